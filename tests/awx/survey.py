"""AWX's survey rules, applied to the job templates of awx/job_templates.yml.

`extra_vars(template, answers)` gives what AWX puts into a job's extra variables when the
template is launched with those answers: each answer checked against its question (type,
choices, min/max), a default for each unanswered question, an error for a required one.
An optional text question left empty is not passed (AWX since early 2026; older releases
passed "" or null, which the playbooks take the same way). The tests launch the day-2
playbooks with these extra variables, so a survey and its playbook cannot drift apart.
"""

import pathlib

import yaml

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "awx" / "job_templates.yml"
TYPES = ("text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect")


class SurveyError(ValueError):
    """An answer AWX would refuse at launch."""


def templates(path=TEMPLATES):
    return yaml.safe_load(path.read_text())["awx_job_templates"]


def template_for(playbook, path=TEMPLATES):
    """The job template that runs playbooks/<playbook>."""
    name = "playbooks/%s" % pathlib.Path(playbook).name
    found = [t for t in templates(path) if t["playbook"] == name]
    if len(found) != 1:
        raise SurveyError("%d job templates run %s" % (len(found), name))
    return found[0]


def check_answer(question, value):
    """value as AWX passes it, or SurveyError naming the question."""
    var, kind = question["variable"], question["type"]
    if kind in ("text", "textarea", "password"):
        if not isinstance(value, str):
            raise SurveyError("%s: expected a string, got %r" % (var, value))
        if len(value) < question.get("min", 0) or len(value) > question.get("max", 1024):
            raise SurveyError("%s: %r is not between %s and %s characters" % (var, value, question.get("min", 0), question.get("max", 1024)))
    elif kind in ("integer", "float"):
        types = (int,) if kind == "integer" else (int, float)
        if isinstance(value, bool) or not isinstance(value, types):
            raise SurveyError("%s: expected an %s, got %r" % (var, kind, value))
        if ("min" in question and value < question["min"]) or ("max" in question and value > question["max"]):
            raise SurveyError("%s: %r is outside %s..%s" % (var, value, question.get("min"), question.get("max")))
    elif kind == "multiplechoice":
        if value not in question["choices"]:
            raise SurveyError("%s: %r is not one of %s" % (var, value, question["choices"]))
    elif kind == "multiselect":
        if not isinstance(value, list) or any(v not in question["choices"] for v in value):
            raise SurveyError("%s: %r is not a list of %s" % (var, value, question["choices"]))
    else:
        raise SurveyError("%s: unknown survey type %r (AWX has %s)" % (var, kind, ", ".join(TYPES)))
    return value


def extra_vars(template, answers=None):
    """The survey's part of a job's extra variables for these answers."""
    answers = dict(answers or {})
    questions = dict((q["variable"], q) for q in template["survey"])
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise SurveyError("%s: the survey has no question for %s" % (template["name"], ", ".join(unknown)))
    out = {}
    for var, question in questions.items():
        if var in answers:
            out[var] = check_answer(question, answers[var])
        elif question.get("default", "") not in ("", None):
            out[var] = check_answer(question, question["default"])
        elif question["required"]:
            raise SurveyError("%s: %s is required" % (template["name"], var))
    for var, question in questions.items():
        if question["required"] and out.get(var, "") == "":
            raise SurveyError("%s: %s is required" % (template["name"], var))
    return out
