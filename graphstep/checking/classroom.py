"""A whole class at once: every student's answers graded, then summed up per answer and per student.

``grade_class(exercise_text, folder)`` reads one answers file per student (the name is the file name
without its extension), grades each with :func:`graphstep.checking.check` against the exercise's program,
and returns a :class:`ClassReport`: a terminal report, a gradebook CSV (student, score, max, one column
per answer: the points, 1 or 0), JSON, and the per-node shares of wrong answers the heatmap draws.
A file that cannot be read or graded gives that student 0 points and its message; the others go on.
"""

from __future__ import annotations

import csv
import io
import stat
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphstep.checking import work
from graphstep.checking.answers import parse_answers, split_program
from graphstep.checking.report import Report, short
from graphstep.checking.safe import shown
from graphstep.errors import GraphstepError
from graphstep.graph import Graph
from graphstep.i18n import t
from graphstep.parser import parse

MAX_FILES = 2000
"""At most this many submissions are read from one folder."""
MAX_BYTES = 1_000_000
"""A submission larger than this is not read (a student's answers are a few hundred bytes)."""


@dataclass
class Submission:
    """One student's graded answers, or the reason they could not be graded."""

    student: str
    """The name shown (the file name without extension, control characters escaped)."""
    report: Report | None = None
    error: GraphstepError | None = None

    def status(self, label: str) -> str:
        """The student's verdict on one answer: right, rounded, imprecise, wrong, follows, blank."""
        if self.report is None:
            return "blank"
        verdict = next((v for v in self.report.verdicts if v.answer.label == label), None)
        return "blank" if verdict is None else verdict.status

    def points(self, label: str) -> int:
        return 1 if self.status(label) in ("right", "rounded") else 0


@dataclass
class ClassReport:
    """Every student's report on one exercise, and the class's picture of it."""

    name: str
    graph: Graph
    labels: list[str]
    """The answers the exercise asks for (its ``?`` lines), in the exercise's order."""
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[GraphstepError] = field(default_factory=list)
    """The folder's entries that are no answers file (a subfolder, a FIFO, …): each says so, none is graded."""

    @property
    def max_score(self) -> int:
        return len(self.labels)

    def score(self, submission: Submission) -> int:
        return sum(submission.points(label) for label in self.labels)

    def graded(self) -> list[Submission]:
        return [s for s in self.submissions if s.report is not None]

    def mistakes(self, label: str, lang: str = "en") -> Counter[str]:
        """How often each diagnosis was given for this answer (wrong and too imprecise answers)."""
        found: Counter[str] = Counter()
        for submission in self.graded():
            assert submission.report is not None
            for verdict in submission.report.verdicts:
                if verdict.answer.label == label and verdict.status in ("wrong", "imprecise"):
                    diagnosis = verdict.diagnosis
                    found[short(diagnosis, lang) if diagnosis else t("check.status_wrong", lang)] += 1
                elif verdict.answer.label == label and verdict.status == "follows":
                    found[t("class.follows", lang)] += 1
        return found

    def share(self, label: str, statuses: tuple[str, ...]) -> float:
        """The share of the graded students (files that could be read) whose answer has one of ``statuses``."""
        graded = self.graded()
        return sum(1 for s in graded if s.status(label) in statuses) / len(graded) if graded else 0.0

    # --- text ----------------------------------------------------------------------------------------------

    def render(self, lang: str = "en") -> str:
        scores = [self.score(s) for s in self.submissions]
        mean = sum(scores) / len(scores) if scores else 0.0
        lines = [t("class.summary", lang, file=self.name, students=len(self.submissions), answers=self.max_score,
                   mean=f"{mean:.1f}", max=self.max_score)]
        failed = len(self.submissions) - len(self.graded())
        if failed:
            lines.append(t("class.not_graded", lang, n=failed))
        lines += [entry.text(lang) for entry in self.skipped]
        lines.append("")
        header = (t("check.col_answer", lang), t("class.col_right", lang), t("class.col_blank", lang),
                  t("class.col_mistakes", lang))
        rows: list[tuple[str, ...]] = [header]
        for label in self.labels:
            common = ", ".join(f"{text} ×{n}" for text, n in self.mistakes(label, lang).most_common(3)) or "—"
            rows.append((label, _percent(self.share(label, ("right", "rounded"))),
                         _percent(self.share(label, ("blank",))), common))
        lines += _table(rows, right=(1, 2))
        lines.append("")
        rows = [(t("class.col_student", lang), t("class.col_score", lang), t("class.col_first", lang))]
        for submission, score in zip(self.submissions, scores, strict=True):
            rows.append((submission.student, f"{score}/{self.max_score}", self.first(submission, lang)))
        lines += _table(rows, right=(1,))
        return "\n".join(lines)

    def first(self, submission: Submission, lang: str) -> str:
        """The student's first mistake in backprop order, in a few words (or why they were not graded)."""
        if submission.error is not None:
            return shown(submission.error.render(lang).split("\n")[0], 100)
        assert submission.report is not None
        first = submission.report.first_wrong
        if first is None:
            return "—"
        what = short(first.diagnosis, lang) if first.diagnosis else t("check.status_wrong", lang)
        return f"{first.answer.label} = {first.answer.number}: {what}"

    # --- gradebook and JSON ----------------------------------------------------------------------------------

    def to_csv(self) -> str:
        """Moodle/Canvas gradebook layout: student, score, max, then one column of points per answer."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", "score", "max", *self.labels])
        for submission in self.submissions:
            writer.writerow([_cell(submission.student), self.score(submission), self.max_score,
                             *(submission.points(label) for label in self.labels)])
        return out.getvalue()

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "exercise": self.name,
            "students": len(self.submissions),
            "max": self.max_score,
            "answers": [{"answer": label, "right": self.share(label, ("right", "rounded")),
                         "blank": self.share(label, ("blank",)),
                         "mistakes": dict(self.mistakes(label, lang).most_common())} for label in self.labels],
            "submissions": [{"student": s.student, "score": self.score(s), "max": self.max_score,
                             "error": None if s.error is None else s.error.render(lang),
                             "first_mistake": None if s.error is not None or s.report is None
                             or s.report.first_wrong is None else self.first(s, lang),
                             "answers": {label: s.status(label) for label in self.labels}}
                            for s in self.submissions],
            "skipped": [entry.text(lang) for entry in self.skipped],
        }

    # --- per node, for the heatmap --------------------------------------------------------------------------

    def node_shares(self, lang: str = "en") -> dict[int, tuple[float, float, str]]:
        """Per node answered about: (share wrong of its value answers, of its gradient answers, the most
        common mistake there). Wrong means wrong or too imprecise; a number that only follows from an
        earlier mistake is not counted against this node."""
        found: dict[int, tuple[float, float, str]] = {}
        students = max(1, len(self.graded()))
        per: dict[tuple[int, str], int] = {}
        said: dict[int, Counter[str]] = {}
        for submission in self.graded():
            assert submission.report is not None
            for verdict in submission.report.verdicts:
                if verdict.answer.label not in self.labels:
                    continue
                kind = "value" if verdict.of is None else "grad"
                per.setdefault((verdict.node, kind), 0)
                if verdict.status in ("wrong", "imprecise"):
                    per[(verdict.node, kind)] += 1
                    if verdict.diagnosis is not None:
                        said.setdefault(verdict.node, Counter())[short(verdict.diagnosis, lang)] += 1
        for node in {n for n, _ in per}:
            common = said.get(node, Counter()).most_common(1)
            text = f"{common[0][0]} ×{common[0][1]}" if common else ""
            found[node] = (per.get((node, "value"), 0) / students, per.get((node, "grad"), 0) / students, text)
        return found


def grade_class(exercise: str, folder: Path, name: str = "exercise", tolerance: float | None = None,
                decimals: int | None = None, strict: bool = False) -> ClassReport:
    """Grade every submission in ``folder`` against ``exercise`` (see the module's docstring)."""

    program, _ = split_program(exercise)
    graph = parse(program)
    labels = [a.label for a in parse_answers(exercise, name)]
    if not labels:
        raise GraphstepError("class.no_questions", file=shown(name))
    if not folder.is_dir():
        raise GraphstepError("class.not_a_folder", path=shown(str(folder)))
    files, skipped = _listing(folder)
    if not files:
        raise GraphstepError("class.no_submissions", path=shown(str(folder)))
    report = ClassReport(name, graph, labels, skipped=skipped)
    stems = Counter(p.stem for p in files)
    with work.shared(len(files), len(labels)):  # the whole class's work is bounded (work.CLASS_WORK, CLASS_ANSWERS)
        _grade_each(report, exercise, files, stems, name, tolerance, decimals, strict)
    return report


def _listing(folder: Path) -> tuple[list[Path], list[GraphstepError]]:
    """The submissions in ``folder`` (hidden files left out), and why each other entry is not graded.

    A symlink could point a "submission" at a file outside the folder: it is listed, never followed, and
    graded as an error (the student is in the report with 0 points and the reason). A subfolder, a FIFO, a
    socket or a device is no student's answers: it is named in the report, never opened (opening a FIFO
    would wait for a writer forever)."""
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    if len(entries) > MAX_FILES:
        raise GraphstepError("class.too_many", path=shown(str(folder)), count=len(entries), limit=MAX_FILES)
    files, skipped = [], []
    for path in entries:
        try:
            mode = path.lstat().st_mode  # the entry itself, never what a link points at
        except OSError:  # gone since the listing: graded as a file that cannot be read
            mode = stat.S_IFREG
        if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
            files.append(path)
        else:
            key = "class.skipped_folder" if stat.S_ISDIR(mode) else "class.skipped_special"
            skipped.append(GraphstepError(key, file=shown(path.name)))
    return files, skipped


def _grade_each(report: ClassReport, exercise: str, files: list[Path], stems: Counter[str], name: str,
                tolerance: float | None, decimals: int | None, strict: bool) -> None:
    from graphstep.checking import check

    for path in files:
        student = shown(path.stem if stems[path.stem] == 1 else path.name, 60)
        try:
            if path.is_symlink():
                raise GraphstepError("class.symlink", file=shown(path.name))
            text = _read(path)
            graded = check(exercise, text, tolerance, name=name, answers_name=path.name, decimals=decimals,
                           strict=strict)
            graded.graph = report.graph  # the same exercise: one graph kept for the class, not one per student
            report.submissions.append(Submission(student, graded))
        except GraphstepError as error:
            report.submissions.append(Submission(student, error=error.with_traceback(None)))  # not its frames


def _read(path: Path) -> str:
    from graphstep.files import decode, read_bytes

    shown_name = shown(path.name)
    try:  # regular files, capped, strict UTF-8; a link swapped in after the listing is still not followed
        return decode(read_bytes(path, MAX_BYTES, shown_name, follow_symlinks=False), shown_name)
    except GraphstepError as error:
        if error.key == "file.symlink":
            raise GraphstepError("class.symlink", file=shown_name) from None
        raise


def _percent(x: float) -> str:
    return f"{round(100 * x)}%"


def _cell(text: str) -> str:
    """A spreadsheet cell that cannot run as a formula (``=cmd``) when the gradebook is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _table(rows: Sequence[tuple[str, ...]], right: tuple[int, ...] = ()) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines
