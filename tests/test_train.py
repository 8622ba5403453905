"""graphstep train: the lecture's XOR question, mini-batches, the command line and its plots."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import graphstep
from graphstep.lossplot import terminal_plot
from graphstep.tensors import parameters
from graphstep.training import train
from tests.conftest import EXAMPLES, run_cli


def example(name: str) -> graphstep.Graph:
    return graphstep.parse((EXAMPLES / name).read_text())


def test_param_marks_the_trainable_inputs() -> None:
    assert parameters(example("xor_mlp.gstep")) == ["W_H", "b_H", "W_O", "b_O"]
    assert parameters(example("xor_perceptron.gstep")) == ["w", "b"]
    assert parameters(example("neuron.gstep")) == []


def test_the_mlp_learns_xor_from_a_fixed_seed() -> None:
    result = train(example("xor_mlp.gstep"), lr=1.0, steps=2000)
    assert result.accuracy == 1.0 and (result.correct, result.samples) == (4, 4)
    assert result.final_loss < 0.05 < result.losses[0]
    assert result.data == ["X", "y"]


@pytest.mark.parametrize("lr", [0.1, 1.0, 5.0])
def test_the_single_perceptron_cannot(lr: float) -> None:
    result = train(example("xor_perceptron.gstep"), lr=lr, steps=1500)
    assert result.accuracy is not None and result.accuracy <= 0.75  # no line separates XOR's classes
    assert result.final_loss > 0.5


def test_a_step_is_gradient_descent_on_the_mean_loss() -> None:
    graph = graphstep.parse("W = param([[0.5, -1], [2, 0.25]]); X = [[1, 2], [3, 4], [0, 1]]; loss = mean((X @ W)^2)")
    before = graph.run()
    result = train(graph, lr=0.01, steps=1)
    np.testing.assert_allclose(result.params["W"], np.array([[0.5, -1], [2, 0.25]]) - 0.01 * before.grad("W"))


def test_mini_batches_are_reproducible_and_depend_on_the_seed() -> None:
    graph = example("xor_mlp.gstep")
    a = train(graph, lr=0.5, steps=50, batch=2, seed=1)
    b = train(graph, lr=0.5, steps=50, batch=2, seed=1)
    c = train(graph, lr=0.5, steps=50, batch=2, seed=2)
    assert a.losses == b.losses
    assert a.losses != c.losses


def test_mini_batch_sgd_on_data_files_separates_the_rings() -> None:
    # the data files sit next to the program; the command line finds them from any folder
    done = run_cli("train", str(EXAMPLES / "circles_mlp.gstep"), "--lr", "0.5", "--steps", "1500", "--batch", "32",
                   "--no-curve")
    assert done.returncode == 0, done.stderr
    assert "accuracy: 100% (200/200 right)" in done.stdout


def test_a_mini_batch_sees_every_sample_once_per_epoch() -> None:
    # the loss is the mean of the batch's x, so each step's loss tells which rows it used
    graph = graphstep.parse("x = [0, 1, 2, 3, 4, 5]; w = param(0); loss = mean(x) + 0 w")
    result = train(graph, lr=0.1, steps=3, batch=2, seed=0)
    assert sum(result.losses) * 2 == pytest.approx(15.0)


@pytest.mark.parametrize(("source", "kwargs", "message"), [
    ("f = mean(x^2); x = [1, 2]", {}, "marks no parameter"),
    ("W = param([1, 2]); f = W * 2", {}, "must be one number"),
    ("w = param(1); f = w^2", {"params": ["q"]}, "not an input"),
    ("w = param(1); f = w^2", {"lr": -1}, "learning rate must be positive"),
])
def test_bad_training_setups_get_one_message(source: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(graphstep.GraphstepError, match=message):
        train(graphstep.parse(source), **{"steps": 3, **kwargs})


def test_train_command_end_to_end(tmp_path: Any) -> None:
    png = tmp_path / "loss.png"
    done = run_cli("train", "examples/xor_mlp.gstep", "--lr", "1", "--steps", "2000", "--plot", str(png))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "step 2000/2000  loss" in out and "accuracy: 100% (4/4 right)" in out
    assert "W_H = [[" in out and "•" in out  # the trained matrix and the terminal curve
    from PIL import Image

    with Image.open(png) as image:
        assert image.size == (900, 500)
        colours = {c for _, c in image.getcolors(1 << 20)}
        assert (200, 30, 30) in colours  # the curve was drawn


def test_train_command_speaks_spanish() -> None:
    done = run_cli("train", "examples/xor_mlp.gstep", "--lr", "1", "--steps", "300", "--no-curve", "--lang", "es")
    assert done.returncode == 0, done.stderr
    assert "paso 300/300  pérdida" in done.stdout and "tasa de acierto: 100% (4/4 bien)" in done.stdout
    assert "•" not in done.stdout  # --no-curve


@pytest.mark.parametrize(("args", "message"), [
    (["examples/neuron.gstep"], "marks no parameter"),
    (["examples/xor_mlp.gstep", "--plot", "loss.svg"], "ending in .png"),
    (["examples/xor_mlp.gstep", "--steps", "0"], "--steps must be at least 1"),
    (["examples/xor_mlp.gstep", "--backend", "cupy"], "cupy"),
    (["nope.gstep"], "file not found"),
])
def test_train_command_errors_are_one_message(args: list[str], message: str) -> None:
    done = run_cli("train", *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_png_of_a_noisy_mini_batch_curve_draws_its_running_mean(tmp_path: Any) -> None:
    from PIL import Image

    from graphstep.lossplot import save_png

    rng = np.random.default_rng(0)
    noisy = list(np.exp(-np.arange(300) / 60) + rng.uniform(0, 0.1, 300))
    save_png(noisy, str(tmp_path / "noisy.png"))
    save_png(list(np.exp(-np.arange(300) / 60)), str(tmp_path / "smooth.png"))
    with Image.open(tmp_path / "noisy.png") as image:
        noisy_colours = {c for _, c in image.getcolors(1 << 20)}
    with Image.open(tmp_path / "smooth.png") as image:
        smooth_colours = {c for _, c in image.getcolors(1 << 20)}
    assert (240, 170, 170) in noisy_colours and (200, 30, 30) in noisy_colours  # pale raw curve, dark mean
    assert (240, 170, 170) not in smooth_colours and (200, 30, 30) in smooth_colours


def test_a_diverging_run_says_so() -> None:
    done = run_cli("train", "w = param(1); loss = (w x)^2; x = 3", "--lr", "10", "--steps", "200", "--no-curve")
    assert done.returncode == 0, done.stderr
    assert "try a smaller --lr" in done.stdout


def test_accuracy_never_rounds_up_to_a_perfect_score() -> None:
    from graphstep.cli.train_cmd import _share

    assert (_share(199, 200), _share(4, 4), _share(3, 4), _share(2, 3), _share(0, 5)) == (
        "99.5%", "100%", "75%", "66.6%", "0%")


def test_terminal_plot_labels_the_range() -> None:
    text = terminal_plot([1.0, 0.5, 0.25, 0.2], width=20, height=6)
    lines = text.splitlines()
    assert lines[0] == "loss" and lines[1].startswith("1.0000 ┤") and "0.2000 ┤" in text
    assert text.count("•") == 4


def test_the_live_progress_bar_draws_on_a_terminal_and_leaves_stdout_alone(capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from rich.console import Console

    from graphstep.cli.train_cmd import _Progress

    screen = io.StringIO()
    bar = _Progress(20, "en", Console(file=screen, force_terminal=True, width=100))
    for step in range(1, 21):
        bar(step, 1.0 / step)
    bar.close()
    assert "20/20" in screen.getvalue() and "loss 0.0500" in screen.getvalue()
    assert capsys.readouterr().out.splitlines()[-1] == "step 20/20  loss 0.0500"
