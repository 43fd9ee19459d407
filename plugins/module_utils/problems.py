# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One error carrying every problem found in some input, one line each."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ProblemsError(Exception):
    """Subclasses set `what` (e.g. "topology") and whether problems are sorted and de-duplicated."""

    what = "input"
    sort = True

    def __init__(self, problems):
        self.problems = sorted(set(problems)) if self.sort else list(problems)
        super(ProblemsError, self).__init__(
            "%d %s problem(s):\n%s" % (len(self.problems), self.what, "\n".join("- " + p for p in self.problems)))
