"""Issue 18, "Done when": incremental == clean byte for byte for random edits across every
table, lesson, template and Python module, each built in a new process (tests/random_edits.py:
the bundled sample, its site and a copy of the code edited at random; a refused edit must be
refused alike by both builds and leave the published site as it was)."""

from __future__ import annotations

from pathlib import Path

from tests import random_edits
from tests.random_edits import EDITS, Project, edit_code, edit_template


def test_random_edits_of_every_family_equal_clean_builds(tmp_path: Path) -> None:
    """Two kinds of edit a round, in turn, so that six rounds edit every family: tables'
    cells and rows, lessons and news, templates, settings and code."""
    lines: list[str] = []
    rounds = (len(EDITS) + 1) // 2
    report = random_edits.run(tmp_path / "p", rounds, seed=18, log=lines.append, every_kind=True)
    assert report.failures == [], "\n".join(lines)
    assert report.rounds == rounds
    assert set(report.kinds) == {edit.__name__ for edit, _ in EDITS}, report.kinds
    assert report.equal >= 2, "\n".join(lines)  # most edits keep the data valid
    assert max(report.kept) > 0  # the incremental path was taken, not a whole rebuild each time


def test_random_edits_served_equal_clean_builds(tmp_path: Path) -> None:
    """The same, rebuilt as `antq serve` rebuilds: one long-lived process whose warm state
    (records, model, row states) is patched in memory edit after edit; every kind of edit
    but the code's (the server does not reload its code)."""
    lines: list[str] = []
    kinds = [edit for edit, _ in EDITS if edit is not edit_code]
    rounds = (len(kinds) + 1) // 2
    report = random_edits.run(
        tmp_path / "p", rounds, seed=19, log=lines.append, every_kind=True, serve=True
    )
    assert report.failures == [], "\n".join(lines)
    assert set(report.kinds) == {edit.__name__ for edit in kinds}, report.kinds
    assert report.equal >= 2 and max(report.kept) > 0, "\n".join(lines)


def _forgets_included_templates(project: Project) -> None:
    """The negative control's fault: a page's template key is its own file's, not the
    templates it extends or includes (base.html, macros.html)."""
    render = project.code / "generator" / "render.py"
    source = render.read_text(encoding="utf-8")
    old = "for ref in sorted(self.closure(name)):"
    assert old in source
    render.write_text(source.replace(old, "for ref in [name]:"), encoding="utf-8")


def test_a_stale_page_is_caught(tmp_path: Path, monkeypatch) -> None:
    """Negative control: with the fault above, an edit of the text base.html shows leaves
    every page that extends it stale; the round reports the files that differ from a clean
    build and stops."""

    def base_template(project: Project) -> str | None:
        return edit_template(project, project.site / "templates" / "base.html", visible=True)

    monkeypatch.setattr(random_edits, "EDITS", [(base_template, 1)])
    lines: list[str] = []
    report = random_edits.run(
        tmp_path / "p", 2, seed=18, log=lines.append, prepare=_forgets_included_templates
    )
    assert report.rounds == 1 and len(report.failures) == 1, "\n".join(lines)
    assert "files differ from a clean build" in report.failures[0]
