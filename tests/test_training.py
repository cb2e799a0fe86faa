"""The shared training pieces: seeded initialisation, the MLP builder, progress bars, History."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from torch import nn

from lecture_utils import training


def test_init_default_matches_pytorchs_own_initialisation_bit_for_bit() -> None:
    # PyTorch's constructors draw from the global RNG; ours draws the same numbers from a generator.
    def build() -> nn.Module:
        return nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Conv2d(2, 3, 3),
                             nn.ConvTranspose2d(3, 2, 4, 2, 1))

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        reference = build()
    ours = training.init_default_(build(), torch.Generator().manual_seed(3))
    for (name, a), (_, b) in zip(reference.named_parameters(), ours.named_parameters(), strict=True):
        assert torch.equal(a, b), name


def test_build_leaves_the_global_rng_alone_and_matches_eager_construction() -> None:
    def factory() -> nn.Module:
        return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Conv2d(1, 2, 3))

    state = torch.random.get_rng_state()
    built = training.build(factory, generator=torch.Generator().manual_seed(5))
    assert torch.equal(state, torch.random.get_rng_state())
    eager = training.init_default_(factory(), torch.Generator().manual_seed(5))
    for (name, a), (_, b) in zip(built.state_dict().items(), eager.state_dict().items(), strict=True):
        assert torch.equal(a, b), name


def test_build_refuses_a_layer_it_cannot_initialise() -> None:
    with pytest.raises(ValueError, match="PReLU"):
        training.build(lambda: nn.PReLU(), generator=torch.Generator())


def test_build_draws_embeddings_from_the_generator_as_torch_does() -> None:
    a = training.build(lambda: nn.Embedding(30, 20), generator=torch.Generator().manual_seed(0))
    b = training.build(lambda: nn.Embedding(30, 20), generator=torch.Generator().manual_seed(0))
    c = training.build(lambda: nn.Embedding(30, 20), generator=torch.Generator().manual_seed(1))
    assert torch.equal(a.weight, b.weight) and not torch.equal(a.weight, c.weight)
    w = a.weight.detach()
    assert abs(float(w.mean())) < 0.2 and 0.8 < float(w.std()) < 1.2  # N(0, 1): torch's default for these


def test_mlp_is_reproducible_and_seed_dependent() -> None:
    a = training.mlp([4, 8, 2], generator=torch.Generator().manual_seed(0))
    b = training.mlp([4, 8, 2], generator=torch.Generator().manual_seed(0))
    c = training.mlp([4, 8, 2], generator=torch.Generator().manual_seed(1))
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(9))
    assert torch.equal(a(x), b(x))
    assert not torch.equal(a(x), c(x))
    assert [type(m) for m in a] == [nn.Linear, nn.Tanh, nn.Linear]


@pytest.mark.parametrize("activation", sorted(training.ACTIVATIONS))
def test_mlp_activation(activation: str) -> None:
    net = training.mlp([2, 3, 3, 1], generator=torch.Generator().manual_seed(0), activation=activation)
    assert len(net) == 5 and not isinstance(net[1], nn.Linear)


def test_finish_bar_ends_an_early_stopped_bar_full() -> None:
    bar = training.progress_bar(10, desc="x", enabled=True)
    bar.fp = io.StringIO()
    bar.update(4)
    training.finish_bar(bar)
    assert (bar.n, bar.total) == (4, 4)


def test_history_logs_named_series() -> None:
    h = training.History()
    h.log(loss=1.0, acc=0.5)
    h.log(loss=0.5, acc=0.75)
    assert h.loss == [1.0, 0.5] and len(h) == 2
    np.testing.assert_array_equal(h.as_arrays()["acc"], [0.5, 0.75])
    with pytest.raises(AttributeError, match="no series 'missing'"):
        _ = h.missing
