"""Importing a Greenhouse Harvest candidates export (Product §8.3): names, emails and levels,
matched by email so a second run doubles nothing; bad rows listed by line, nothing written for
them, the good ones written."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loops.models import Candidate
from tests.factories import CandidateFactory


def harvest_candidate(first, last, emails, *, jobs=("Senior Software Engineer",), **extra) -> dict:
    """A candidate as Harvest's GET /v1/candidates answers it (the fields Keeper reads, and some it does not)."""
    return {
        "id": abs(hash((first, last))) % 10**8,
        "first_name": first,
        "last_name": last,
        "company": "Acme",
        "title": "Engineer",
        "is_private": False,
        "phone_numbers": [{"value": "555-555-5555", "type": "mobile"}],
        "email_addresses": [{"value": value, "type": kind} for value, kind in emails],
        "applications": [
            {"id": 1000 + n, "status": "active", "jobs": [{"id": 500 + n, "name": name}]} for n, name in enumerate(jobs)
        ],
        "tags": ["Python"],
        "custom_fields": {},
        "keyed_custom_fields": {},
        **extra,
    }


EXPORT = [
    harvest_candidate("John", "Locke", [("john@work.example", "work"), ("John.Locke@Example.com", "personal")]),
    harvest_candidate(
        "Kate",
        "Austen",
        [("kate@example.com", "personal")],
        jobs=("Staff Engineer", "Senior Software Engineer"),
        keyed_custom_fields={"level": {"name": "Level", "type": "single_select", "value": "staff"}},
    ),
    harvest_candidate("", None, [("not-an-email", "personal")]),  # no name, bad email
    harvest_candidate(
        "Jack", "Shephard", [("jack@example.com", "work")], custom_fields={"level": "junior"}
    ),  # a level Keeper does not hire at
    harvest_candidate("Jordan", "Rivera-Smith", [("JORDAN@example.com", "personal")]),  # already in Keeper
    42,
    harvest_candidate("Ben", "Linus", []),  # no email
]


def top_level_lines(text: str) -> list[int]:
    """Where each item of a list written with indent=2 starts."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("  ") and line[2] not in " }]"]


@pytest.fixture
def export_file(tmp_path):
    path = tmp_path / "candidates.json"
    path.write_text(json.dumps(EXPORT, indent=2))
    return path


def run(path, *args) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_greenhouse_candidates", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_rows_are_imported_and_bad_ones_listed_by_line(rubric, hana, export_file):
    CandidateFactory(name="Jordan Rivera", email="jordan@example.com", level="senior", created_by=hana)
    lines = top_level_lines(export_file.read_text())

    out, err = run(export_file, "--by", "hana")

    assert out.splitlines() == [
        f"7 candidate(s) read from {export_file}: 2 created, 1 updated, 0 unchanged, 4 skipped.",
        "Jobs of their applications (not made openings yet): Senior Software Engineer, Staff Engineer.",
    ]
    assert err.splitlines() == [
        f"Skipped line {lines[2]} (candidate 3): no name (first_name and last_name are empty); "
        "bad email 'not-an-email'.",
        f"Skipped line {lines[3]} (candidate 4): level 'junior' is not one the rubric hires at "
        "(principal, senior, staff).",
        f"Skipped line {lines[5]} (candidate 6): not a candidate object.",
        f"Skipped line {lines[6]} (candidate 7): no email address (Keeper matches candidates by email).",
    ]
    people = {c.email: (c.name, c.level, c.created_by.username) for c in Candidate.objects.all()}
    assert people == {
        "john.locke@example.com": ("John Locke", "senior", "hana"),  # the personal address, the default level
        "kate@example.com": ("Kate Austen", "staff", "hana"),
        "jordan@example.com": ("Jordan Rivera-Smith", "senior", "hana"),  # matched across case, renamed
    }


def test_a_second_run_doubles_nothing(rubric, hana, export_file):
    CandidateFactory(name="Jordan Rivera", email="jordan@example.com", level="senior", created_by=hana)
    run(export_file)
    before = list(Candidate.objects.order_by("pk").values())

    out, _ = run(export_file)

    assert "0 created, 0 updated, 3 unchanged, 4 skipped" in out
    assert list(Candidate.objects.order_by("pk").values()) == before


def test_the_default_level_never_overwrites_a_candidates_level(rubric, hana, tmp_path):
    CandidateFactory(name="Kim Park", email="kim@example.com", level="principal", created_by=hana)
    path = tmp_path / "one.json"
    path.write_text(json.dumps([harvest_candidate("Kim", "Park", [("kim@example.com", "personal")])]))

    out, _ = run(path, "--level", "staff")

    assert "0 created, 0 updated, 1 unchanged, 0 skipped" in out
    assert Candidate.objects.get().level == "principal"


def test_json_lines_are_read_line_by_line_and_a_broken_line_is_one_skipped_row(rubric, tmp_path):
    path = tmp_path / "candidates.jsonl"
    rows = [json.dumps(EXPORT[0]), '{"first_name": "Broken", ', json.dumps(EXPORT[1])]
    path.write_text("\n".join(rows) + "\n")

    out, err = run(path)

    assert "3 candidate(s) read" in out and "2 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert err.startswith("Skipped line 2 (candidate 2): not JSON (")
    assert Candidate.objects.count() == 2


def test_a_file_that_is_not_json_imports_nothing(rubric, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(EXPORT[:2], indent=2)[:-40])

    with pytest.raises(CommandError, match=r"is not a Harvest candidates export: line \d+, column \d+"):
        run(path)

    assert not Candidate.objects.exists()


def test_a_level_or_user_the_command_cannot_use_is_refused_before_anything_is_read(rubric, export_file):
    with pytest.raises(CommandError, match="--level 'junior' is not hireable"):
        run(export_file, "--level", "junior")
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        run(export_file, "--by", "nobody")

    assert not Candidate.objects.exists()


def test_an_empty_export_imports_nothing(rubric, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("[]")

    out, err = run(path)

    assert out.strip() == f"0 candidate(s) read from {path}: 0 created, 0 updated, 0 unchanged, 0 skipped."
    assert err == ""
