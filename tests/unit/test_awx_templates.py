"""The AWX job templates (awx/job_templates.yml) against the playbooks they run,
and the survey rules (tests/awx/survey.py) the Molecule scenarios launch them with."""

import pathlib
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# pylint: disable=wrong-import-position
from ansible_collections.scalemeet.jitsi.plugins.filter.name_list import name_list  # noqa: E402
from tests.awx import survey  # noqa: E402

TEMPLATES = survey.templates()
BY_PLAYBOOK = dict((t["playbook"], t) for t in TEMPLATES)
QUESTION_KEYS = {"variable", "question_name", "question_description", "type", "required", "default", "choices", "min", "max"}


def where_read(variable):
    """Files of the collection that read a variable: playbooks, their vars files, role defaults."""
    files = list((ROOT / "playbooks").rglob("*.yml")) + list((ROOT / "roles").glob("*/defaults/main.yml"))
    return [f for f in files if variable in f.read_text()]


def test_every_job_playbook_has_exactly_one_template():
    playbooks = sorted("playbooks/%s" % p.name for p in (ROOT / "playbooks").glob("*.yml"))
    assert sorted(t["playbook"] for t in TEMPLATES) == playbooks


@pytest.mark.parametrize("template", TEMPLATES, ids=[t["name"] for t in TEMPLATES])
def test_survey_questions_are_valid_and_read_by_the_collection(template):
    for question in template["survey"]:
        assert set(question) <= QUESTION_KEYS, question
        assert question["type"] in survey.TYPES
        assert where_read(question["variable"]), "%s: nothing reads %s" % (template["name"], question["variable"])
        if question.get("default", "") not in ("", None):
            assert survey.check_answer(question, question["default"]) == question["default"]


def test_answers_typed_as_awx_passes_them():
    drain = BY_PLAYBOOK["playbooks/drain_shard.yml"]
    assert survey.extra_vars(drain, {"drain_shards": "shard1, shard2"}) == {
        "drain_shards": "shard1, shard2", "drain_shard_state": "drained", "drain_shard_timeout": 3600}
    upgrade = BY_PLAYBOOK["playbooks/rolling_upgrade.yml"]
    # An unanswered optional question is not passed; an answer given as "" is (the playbook
    # takes both as "keep the inventory's pin").
    assert survey.extra_vars(upgrade, {"upgrade_jvb_version": "2.3.200-1", "upgrade_web_version": ""}) == {
        "upgrade_jvb_version": "2.3.200-1", "upgrade_web_version": "", "rolling_upgrade_shard_timeout": 3600}


@pytest.mark.parametrize("playbook, answers, fragment", [
    ("drain_shard.yml", {}, "drain_shards is required"),
    ("drain_shard.yml", {"drain_shards": ""}, "drain_shards is required"),
    ("drain_shard.yml", {"drain_shards": "s1", "drain_shard_state": "gone"}, "'gone' is not one of ['drained', 'ready']"),
    ("drain_shard.yml", {"drain_shards": "s1", "drain_shard_timeout": "60"}, "drain_shard_timeout: expected an integer"),
    ("drain_shard.yml", {"drain_shards": "s1", "drain_shard_timeout": -1}, "-1 is outside 0..86400"),
    ("scale_bridges.yml", {"scale_bridges_remove": ["jvb-1"]}, "scale_bridges_remove: expected a string"),
    ("rotate_secrets.yml", {"rotate_secrets": "focus_password", "shards": "s1"}, "the survey has no question for shards"),
    ("site.yml", {"topology_overlay": "nebula"}, "the survey has no question for topology_overlay"),
], ids=["required", "required-empty", "not-a-choice", "integer-as-text", "below-min", "list-for-text", "unknown", "no-survey"])
def test_answers_awx_refuses(playbook, answers, fragment):
    with pytest.raises(survey.SurveyError) as err:
        survey.extra_vars(survey.template_for(playbook), answers)
    assert fragment in str(err.value)


@pytest.mark.parametrize("answer, names", [
    ("shard1,shard2", ["shard1", "shard2"]),
    ("shard2 shard1", ["shard1", "shard2"]),
    ("shard1\nshard2\n", ["shard1", "shard2"]),  # textarea
    (["shard2", "shard1"], ["shard1", "shard2"]),  # multiselect
    ("", []),  # AWX before 2026: an empty optional text
    (None, []),  # AWX 24: null for an empty optional text
])
def test_list_answers_reach_the_playbooks_the_same_way(answer, names):
    assert name_list(answer, "drain_shards") == names


def test_awx_configure_uses_the_templates_and_every_question_field_awx_knows():
    play = yaml.safe_load((ROOT / "awx" / "configure.yml").read_text())[0]
    assert play["vars_files"] == ["job_templates.yml"]
    tasks = dict((t["name"], t) for t in play["tasks"])
    job_template = tasks["Create a job template per playbook, with its survey"]
    assert job_template["loop"] == "{{ awx_job_templates }}"
    assert job_template["awx.awx.job_template"]["survey_spec"]["spec"] == "{{ item.survey }}"
    scheduled = [t["name"] for t in TEMPLATES if "schedule" in t]
    assert scheduled == ["scalemeet - autoscale"]
