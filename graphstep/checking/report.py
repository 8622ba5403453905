"""The check report: a table of every answer, notes that explain each mistake, JSON for scripts."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from graphstep.checking.claims import Verdict
from graphstep.checking.diagnose import Diagnosis
from graphstep.checking.safe import shown
from graphstep.checking.trusted import Difference
from graphstep.errors import Phrase
from graphstep.graph import Graph
from graphstep.i18n import t
from graphstep.numbers import fmt


@dataclass
class Report:
    """Every answer's verdict, in dependency order (forward values, then gradients output → inputs)."""

    graph: Graph
    verdicts: list[Verdict]
    name: str = "exercise"
    tolerance: float | None = None
    decimals: int | None = None
    difference: tuple[Difference, str] | None = None
    """Where a student's copy of the exercise changed the program (and the copy's file name), or None."""

    @property
    def ok(self) -> bool:
        """True when every answer is right (or consistent, rounded early): what exit code 0 means."""
        return bool(self.verdicts) and all(v.ok for v in self.verdicts)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def first_wrong(self) -> Verdict | None:
        return next((v for v in self.verdicts if v.first_wrong), None)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("right", "rounded", "imprecise", "wrong", "follows", "blank"), 0)
        for verdict in self.verdicts:
            counts[verdict.status] += 1
        return counts

    # --- text --------------------------------------------------------------------------------------------

    def render(self, lang: str = "en", width: int | None = None) -> str:
        """The report as text; notes are wrapped to ``width`` columns when given."""
        counts = self.counts()
        parts = ", ".join(t(f"check.part_{k}", lang, n=n) for k, n in counts.items() if n)
        lines = [t("check.summary", lang, file=self.name, count=len(self.verdicts), parts=parts), ""]
        if self.difference is not None:
            lines[1:1] = ["⚠ " + self.differs(lang)]
        header = tuple(t(f"check.col_{c}", lang) for c in ("line", "answer", "yours", "expected", "verdict"))
        rows = [header] + [self.row(v, lang) for v in self.verdicts]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for row in rows:
            cells = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                     row[3].rjust(widths[3]), row[4]]
            lines.append("  ".join(cells).rstrip())
        notes = [(v, note(v, lang)) for v in self.verdicts if v.status not in ("right", "blank")]
        if notes:
            lines.append("")
            for verdict, text in notes:
                mark = {"wrong": "✗", "imprecise": "✗", "rounded": "≈"}.get(verdict.status, "→")
                line = f"{mark} {self.where(verdict, lang)}: {text}"
                if width:
                    lines += textwrap.wrap(line, width, subsequent_indent="  ", break_long_words=False,
                                           break_on_hyphens=False)
                else:
                    lines.append(line)
        lines.append("")
        first = self.first_wrong
        if self.ok:
            lines.append(t("check.all_right", lang))
        elif first is not None:
            lines.append(t("check.first_at", lang, line=first.answer.line, label=first.answer.label))
        how = (t("check.tolerance_written", lang) if self.tolerance is None
               else t("check.tolerance_fixed", lang, value=f"{self.tolerance:g}"))
        lines.append(t("check.tolerance", lang, how=how))
        if self.decimals is not None and self.tolerance is None:
            lines.append(t("check.decimals_asked", lang, n=self.decimals))
        return "\n".join(lines)

    def row(self, verdict: Verdict, lang: str) -> tuple[str, str, str, str, str]:
        answer = verdict.answer
        yours = answer.number if answer.number is not None else "—"
        # A blank answer's number is not given away: the exercise may still be in progress.
        expected = "—" if verdict.status == "blank" else fmt(verdict.expected, verdict.decimals)
        if verdict.status == "wrong":
            assert verdict.diagnosis is not None
            text = short(verdict.diagnosis, lang)
            if verdict.diagnosis.code != "unknown":
                text = f"{t('check.status_wrong', lang)}: {text}"
            if verdict.first_wrong:
                text += "  " + t("check.first_wrong", lang)
        elif verdict.status == "follows":
            line = verdict.diagnosis.fields["line"] if verdict.diagnosis else "?"
            text = t("check.status_follows", lang, line=line)
        else:
            text = t(f"check.status_{verdict.status}", lang)
        where = str(answer.line) if answer.origin == self.name else f"{answer.origin}:{answer.line}"
        return where, answer.label, yours, expected, text

    def where(self, verdict: Verdict, lang: str) -> str:
        answer = verdict.answer
        line = t("check.col_line", lang)
        place = f"{line} {answer.line}" if answer.origin == self.name else f"{answer.origin}:{answer.line}"
        return f"{place}, {answer.label} = {answer.number}"

    def differs(self, lang: str) -> str:
        assert self.difference is not None
        return t("check.graded_against", lang, what=differs_phrase(*self.difference).text(lang))

    # --- JSON ----------------------------------------------------------------------------------------------

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        first = self.first_wrong
        return {
            "ok": self.ok,
            "counts": self.counts(),
            "first_wrong": None if first is None else {"line": first.answer.line, "answer": first.answer.label},
            "tolerance": self.tolerance,
            "decimals": self.decimals,
            "program_differs": None if self.difference is None else self.differs(lang),
            "answers": [verdict_json(v, lang) for v in self.verdicts],
        }


def verdict_json(verdict: Verdict, lang: str = "en") -> dict[str, Any]:
    answer = verdict.answer
    return {
        "line": answer.line,
        "file": answer.origin,
        "answer": answer.label,
        "kind": answer.kind,
        "node": answer.name,
        "of": answer.of,
        "written": answer.number,
        "claimed": verdict.claimed,
        "expected": verdict.expected,
        "tolerance": verdict.tolerance,
        "status": verdict.status,
        "diagnosis": verdict.diagnosis.code if verdict.diagnosis else None,
        "also": [d.code for d in verdict.diagnoses[1:]],
        "first_wrong": verdict.first_wrong,
        "message": note(verdict, lang),
    }


def note(verdict: Verdict, lang: str = "en") -> str:
    """The explanation of one verdict in words, with the numbers (what the quiz mode shows)."""
    if verdict.status == "right":
        return t("check.status_right", lang)
    if verdict.status == "blank":
        return t("check.note_blank", lang)
    diagnosis = verdict.diagnosis
    assert diagnosis is not None
    if diagnosis.fields.get("remote"):
        return remote_note(verdict, diagnosis, lang)
    fields = {"f": verdict.answer.of or "", "claim": verdict.answer.number, "expected": fmt(verdict.expected,
              verdict.decimals), **diagnosis.fields}
    return t(f"check.note_{diagnosis.code}", lang, **fields)


def what_key(part: dict[str, Any]) -> str:
    code = part["code"]
    if part["node_level"] and code in ("sign", "upstream_dropped"):
        return f"check.what_{code}_{'node' if code == 'sign' else 'fork'}"
    return f"check.what_{code}"


def short(diagnosis: Diagnosis, lang: str) -> str:
    """The verdict column's few words; a mistake further up says at which gate."""
    if not diagnosis.fields.get("remote"):
        return t(f"check.short_{diagnosis.code}", lang)
    where = [t("check.short_where", lang, short=t(f"check.short_{p['code']}", lang), gate=p["where"])
             for p in diagnosis.fields["faults"]]
    if len(where) == 1:
        return where[0]
    return t("check.short_pair", lang, first=where[0], second=where[1])


def remote_note(verdict: Verdict, diagnosis: Diagnosis, lang: str) -> str:
    parts = [t(what_key(p), lang, **p) for p in diagnosis.fields["faults"]]
    common = {"claim": verdict.answer.number, "result": diagnosis.fields["result"], "name": diagnosis.fields["name"]}
    if len(parts) == 1:
        key = "check.note_remote_value" if diagnosis.fields.get("forward") else "check.note_remote"
        return t(key, lang, what=parts[0], **common)
    return t("check.note_pair", lang, first=parts[0], second=parts[1], **common)


def differs_phrase(difference: Difference, file: str) -> Phrase:
    """``copy.gstep:1: this copy sets x = 0, the exercise has x = 5`` (student text escaped)."""
    fields = {"file": shown(file), "line": difference.line, "name": shown(difference.name or ""),
              "theirs": shown(difference.theirs), "ours": shown(difference.ours)}
    return Phrase("check.differs_value" if difference.name else "check.differs_formula", fields)
