"""The step debugger screen: the circuit, the explanation of the current step, the timeline and the keys."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from graphstep.app import colours
from graphstep.app.canvas import CircuitCanvas
from graphstep.app.colours import TEXT, next_theme
from graphstep.app.dialogs import EditScreen, HelpScreen
from graphstep.app.keys import KEYS, bindings, key_name
from graphstep.app.messages import t
from graphstep.app.panel import inspect_text, legend_text, step_text
from graphstep.app.session import Session
from graphstep.i18n import LANGUAGES
from graphstep.textsafe import escape

WIDE = 100
"""Columns from which the inspect panel always shows beside the explanation."""
CHROME = 4
"""Rows that are neither circuit nor panel: the title, the timeline, the footer, the border (and the status
line when it has a message)."""
MIN_CIRCUIT = 5
"""Rows the circuit keeps at least, however long the explanation."""
SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
"""Steps per second for play."""
BAR = 30


def summary(source: str, values: dict[str, Any] | None = None) -> str:
    """The program in one line, without comments: ``x = -2; y = 5; f = (x + y) z``; an input given a new
    value (``v``, or NAME=VALUE on the command line) shows that value, not the one in the source."""
    lines = [part.strip() for line in source.split("\n") for part in line.split("#", 1)[0].split(";")]
    values = {name: v for name, v in (values or {}).items() if _is_scalar(v)}
    shown, bound = [], set()
    for line in lines:
        name = line.partition("=")[0].strip() if "=" in line else ""
        if name in values:
            line = f"{name} = {float(values[name]):.6g}"
            bound.add(name)
        if line:
            shown.append(line)
    given = [f"{name} = {float(v):.6g}" for name, v in values.items() if name not in bound]
    return escape("; ".join(given + shown), one_line=True)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (int, float)) or getattr(value, "ndim", None) == 0


class QuizInput(Input):
    """The quiz's answer box: numbers only, so ``z`` (end the quiz) reaches the screen's binding."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key != "z" and super().check_consume_key(key, character)


class StepperScreen(Screen[None]):
    BINDINGS = bindings()  # type: ignore[assignment]
    AUTO_FOCUS = None
    """Nothing takes the focus by itself: the step keys belong to the screen (the quiz box asks for it)."""

    def __init__(self, session: Session, from_gallery: bool = False) -> None:
        super().__init__()
        self.session = session
        self.from_gallery = from_gallery
        self.speed_index = 2
        self.timer: Timer | None = None
        self.quiz = False
        self.message: Text | str = ""
        self.last_verdict: Text | None = None

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield CircuitCanvas(self.session, id="canvas")
        with Horizontal(id="bottom"):
            # The panels scroll with the mouse wheel but never take the focus: a focused scroll view would
            # eat Home/End and the arrows, and the step keys must work whatever was clicked last.
            with VerticalScroll(id="explain-box", can_focus=False):
                yield Static(id="explain")
            with VerticalScroll(id="inspect-box", can_focus=False):
                yield Static(id="inspect")
        yield Static(id="timeline")
        yield Static(id="status")
        with Horizontal(id="quizbar"):
            yield Label(id="quiz-prompt")
            yield QuizInput(id="quiz-input", restrict=r"[-−0-9.,;eE+ ]*")
        yield Static(id="footer")

    @property
    def canvas(self) -> CircuitCanvas:
        return self.query_one(CircuitCanvas)

    def on_mount(self) -> None:
        self.message = self.reduced()
        self.update_view()

    def reduced(self) -> str:
        """The notice of a big circuit drawn with some wires cut short (empty for every other circuit)."""
        jumps = self.session.geometry.jumps
        return t("reduced", self.lang, n=jumps) if jumps else ""

    def on_resize(self, event: Resize) -> None:
        self.fit_panel(step_text(self.session, self.lang))
        self.query_one("#footer", Static).update(self.footer())
        self.query_one("#timeline", Static).update(self.timeline())
        self.canvas.follow()

    def fit_panel(self, explanation: Text | None = None) -> None:
        """Rows for the explanation: the whole explanation of the current step when the terminal allows it
        (a projector's 80×24 too: the circuit keeps at least ``MIN_CIRCUIT`` rows and follows the current
        gate), else at most a third of the rows as before. On a narrow terminal the inspect panel only
        shows for a node picked with Tab or a click (or the legend at the start), so the explanation gets
        the full width."""
        height, width = self.size.height, self.size.width
        narrow = 0 < width < WIDE
        inspect = self.query_one("#inspect-box")
        inspect.display = not narrow or self.canvas.selected is not None or self.session.cursor == 0
        rows = min(16, height * 2 // 5) if self.session.has_tensors else min(10, height // 3)
        if explanation is not None and height:
            text_width = max(10, (width if not inspect.display else width - min(46, width * 2 // 5)) - 3)
            needed = len(explanation.wrap(self.app.console, text_width)) + 1  # + the border
            status = 1 if str(self.message) else 0
            rows = max(rows, min(needed, height - CHROME - status - MIN_CIRCUIT))
        self.query_one("#bottom").styles.height = max(3, rows)

    # --- drawing ----------------------------------------------------------------------------------------

    def update_view(self, follow: bool = True) -> None:
        session, lang = self.session, self.lang
        canvas = self.canvas
        if canvas.selected is not None and canvas.selected >= len(session.graph.nodes):
            canvas.selected = None
        explanation = step_text(session, lang)
        self.fit_panel(explanation)
        canvas.refresh_state(follow)
        title = Text()
        title.append(" graphstep ", "bold reverse")
        title.append("  " + summary(session.source, session.current_values))
        self.query_one("#title", Static).update(title)
        self.query_one("#explain", Static).update(explanation)
        node = canvas.selected
        if node is None and session.state().current is not None:
            node = session.state().current.node  # type: ignore[union-attr]
        self.query_one("#inspect", Static).update(
            inspect_text(session, node, lang, self.query_one("#inspect", Static).size.width)
            if node is not None else legend_text(lang))
        self.query_one("#timeline", Static).update(self.timeline())
        status = self.query_one("#status", Static)
        status.update(self.message)
        status.display = bool(str(self.message))  # an empty status line gives its row to the circuit
        self.query_one("#footer", Static).update(self.footer())
        self.update_quiz()

    def timeline(self) -> Text:
        session, lang = self.session, self.lang
        k, n = session.cursor, session.total
        phase = session.state().phase
        speed = f"{SPEEDS[self.speed_index]:g}"
        head = f" {t('timeline', lang, k=k, n=n)} "
        phase_text = "· " + t(f"phase_{phase}", lang) + "  "
        play = "  " + t("playing" if self.timer else "paused", lang, speed=speed)
        score = "  " + t("quiz_score", lang, right=session.right, asked=session.asked) if self.quiz else ""
        # On a narrow terminal the bar shrinks first, then the play state goes, then the phase's words.
        room = (self.size.width or 10**6) - len(head) - len(score)
        if room - len(phase_text) - len(play) < 5:
            play = ""
        if room - len(phase_text) - len(play) < 5:
            phase_text = ""
        width = max(0, min(BAR, max(n, 1), room - len(phase_text) - len(play)))
        out = Text()
        out.append(head, "bold")
        out.append(phase_text)
        fwd = session.trace.forward_end
        for i in range(width):
            at = (i + 1) * n / width
            style = TEXT["value"] if at <= fwd else TEXT["grad"]
            out.append("█" if at <= k else "░", style)
        out.append(play, "dim")
        out.append(score, "bold magenta")
        return out

    def footer(self) -> Text:
        """The main keys, each written with its first key only (``→``, not ``→ n``). On a terminal too
        narrow for them all, the ones before ``?`` go first, so ``?`` (which lists every key) and quit stay."""
        entries = [(key_name(key, self.lang).split()[0], t(key.footer, self.lang)) for key in KEYS if key.footer]
        width = self.size.width or 10**6
        while len(entries) > 2 and sum(len(k) + len(label) + 4 for k, label in entries) > width:
            del entries[-3]
        out = Text()
        for shown, label in entries:
            out.append(f" {shown} ", "bold reverse")
            out.append(f" {label} ")
        return out

    def notice(self, message: str | Text) -> None:
        self.message = message
        status = self.query_one("#status", Static)
        status.update(message)
        status.display = bool(str(message))

    # --- stepping -----------------------------------------------------------------------------------------

    def go(self, cursor: int) -> None:
        self.session.goto(cursor)
        if self.quiz and self.session.cursor >= self.session.total and self.session.asked:
            final = Text(t("quiz_final", self.lang, right=self.session.right, asked=self.session.asked),
                         "bold magenta")
            self.message = final + Text("  ·  ") + self.last_verdict if self.last_verdict else final
        self.update_view()

    def action_next(self) -> None:
        if self.quiz and self.session.question(self.lang) is not None:
            self.query_one("#quiz-input", Input).focus()
            return
        self.go(self.session.cursor + 1)

    def action_prev(self) -> None:
        self.go(self.session.cursor - 1)

    def action_home(self) -> None:
        self.go(0)

    def action_end(self) -> None:
        self.go(self.session.total)

    def action_forward_end(self) -> None:
        self.go(self.session.trace.forward_end)

    def action_backward_end(self) -> None:
        self.go(self.session.total)

    def action_reset(self) -> None:
        self.stop()
        self.canvas.selected = None
        self.session.reset_score()
        self.message = ""
        self.go(0)

    # --- play ---------------------------------------------------------------------------------------------

    def action_play(self) -> None:
        if self.quiz:  # playing would reveal the answers: in quiz mode each step waits for one
            self.query_one("#quiz-input", Input).focus()
            return
        if self.timer is not None:
            self.stop()
        else:
            if self.session.cursor >= self.session.total:
                self.session.goto(0)
            self.timer = self.set_interval(1 / SPEEDS[self.speed_index], self.tick)
        self.update_view()

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def tick(self) -> None:
        if self.session.cursor >= self.session.total:
            self.stop()
            self.update_view()
            return
        self.go(self.session.cursor + 1)

    def set_speed(self, index: int) -> None:
        self.speed_index = max(0, min(index, len(SPEEDS) - 1))
        if self.timer is not None:
            self.stop()
            self.timer = self.set_interval(1 / SPEEDS[self.speed_index], self.tick)
        self.update_view(follow=False)

    def action_faster(self) -> None:
        self.set_speed(self.speed_index + 1)

    def action_slower(self) -> None:
        self.set_speed(self.speed_index - 1)

    # --- inspect ------------------------------------------------------------------------------------------

    def action_select(self, delta: int) -> None:
        count = len(self.session.graph.nodes)
        selected = self.canvas.selected
        if selected is None:
            current = self.session.state().current
            selected = (current.node if current is not None else -1) if delta > 0 else count
        self.canvas.selected = (selected + delta) % count
        self.update_view()

    def action_unselect(self) -> None:
        self.canvas.selected = None
        self.update_view()

    def on_circuit_canvas_node_clicked(self, message: CircuitCanvas.NodeClicked) -> None:
        self.canvas.selected = message.node
        self.update_view(follow=False)

    def action_expand(self) -> None:
        node = self.canvas.selected
        if node is None:
            current = self.session.state().current
            node = current.node if current is not None else None
        base = self.session.composite_of(node) if node is not None else None
        done = self.session.toggle(node) if node is not None else None
        if done is None or base is None:
            self.notice(t("nothing_to_expand", self.lang))
            return
        what, op = done
        # keep the gate selected: the expanded chain's last gate, or the collapsed composite, so x again undoes
        self.canvas.selected = self.session.view_of(base)
        self.message = t(what, self.lang, op=op)
        self.update_view()

    def action_pan(self, dx: int, dy: int) -> None:
        self.canvas.scroll_relative(dx, dy, animate=False)

    # --- editing ------------------------------------------------------------------------------------------

    def action_edit(self, focus_values: bool = False) -> None:
        self.stop()

        def done(changed: bool | None) -> None:
            if changed:
                self.canvas.selected = None
                self.session.reset_score()
                self.message = "  ·  ".join(filter(None, (t("edited", self.lang, n=self.session.total),
                                                          self.reduced())))
                self.update_view()

        self.app.push_screen(EditScreen(self.session, self.lang, focus_values), done)

    def action_values(self) -> None:
        self.action_edit(focus_values=True)

    # --- quiz ---------------------------------------------------------------------------------------------

    def action_quiz(self) -> None:
        self.stop()
        self.quiz = not self.quiz
        if self.quiz:
            self.session.reset_score()
            self.last_verdict = None
            self.message = t("quiz_on", self.lang)
        else:  # the score and the last verdict stay in view
            message = Text(t("quiz_off", self.lang))
            if self.session.asked:
                message += Text("  ·  " + t("quiz_score", self.lang, right=self.session.right,
                                              asked=self.session.asked), "bold magenta")
            if self.last_verdict is not None:
                message += Text("  ·  ") + self.last_verdict
            self.message = message
        self.update_view()
        if self.quiz:
            self.query_one("#quiz-input", Input).focus()

    def update_quiz(self) -> None:
        bar = self.query_one("#quizbar")
        bar.display = self.quiz
        if self.quiz:
            question = self.session.question(self.lang)
            skipped = question is None and self.session.cursor < self.session.total
            self.query_one("#quiz-prompt", Label).update(
                question.prompt if question else t("quiz_not_asked", self.lang) if skipped else "")
            self.query_one("#quiz-input", Input).disabled = question is None
        else:
            self.query_one("#quiz-input", Input).disabled = True
            if self.focused is not None and self.focused.id == "quiz-input":
                self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#quiz-input", Input)
        text = event.value.strip()
        if not text:  # Enter alone: show the step without answering
            self.go(self.session.cursor + 1)
            return
        try:
            right, feedback = self.session.answer(text, self.lang)
        except ValueError:
            self.notice(Text(t("quiz_bad_number", self.lang), "yellow"))
            return
        box.value = ""
        self.message = self.last_verdict = Text(feedback, "bold green" if right else "bold red")
        self.go(self.session.cursor)

    def on_key(self, event: Any) -> None:
        # Inside the quiz box, as its hint says: Esc skips the step (shows it unanswered); z (a priority
        # binding) ends the quiz.
        if self.focused is None or self.focused.id != "quiz-input":
            return
        if event.key == "escape":
            event.stop()
            self.query_one("#quiz-input", Input).value = ""
            self.go(self.session.cursor + 1)

    # --- the rest -----------------------------------------------------------------------------------------

    def action_lang(self) -> None:
        following = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)] if self.lang in LANGUAGES else "en"
        self.app.lang = following  # type: ignore[attr-defined]
        self.message = t("lang_changed", self.lang)
        self.update_view(follow=False)

    def action_theme(self) -> None:
        """The next colour theme (dark → light → contrast): for a projector in a bright or dark room."""
        name = next_theme(colours.current[0])
        self.app.use_theme(name)  # type: ignore[attr-defined]
        self.canvas.restyle()
        self.message = t("theme_changed", self.lang, name=t(f"theme_name_{name}", self.lang))
        self.update_view(follow=False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.lang))

    def action_gallery(self) -> None:
        if self.from_gallery:
            self.stop()
            self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit()
