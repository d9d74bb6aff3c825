"""The module against the C CLI (`wgan emd`, `wgan js`) on the same CSV
files: the same numbers, plans, potentials and messages."""
import subprocess

import numpy as np
import pytest

import wgan


def write(path, a):
    np.savetxt(path, np.asarray(a).reshape(len(a), -1), delimiter=",", fmt="%.17g")
    return str(path)


def run(wgan_bin, *args):
    out = subprocess.run([wgan_bin, *map(str, args)], capture_output=True, text=True, timeout=120)
    return out.returncode, out.stdout, out.stderr


def cli_value(wgan_bin, *args):
    rc, out, err = run(wgan_bin, *args)
    assert rc == 0, err
    return float(out)


@pytest.fixture
def problem(tmp_path, rng):
    """Two weighted sets of 3-D points with equal masses, as CSV files and
    as the values those files hold."""
    x, y = rng.standard_normal((40, 3)), rng.standard_normal((50, 3)) + 0.5
    a, b = rng.random(40), rng.random(50)
    b *= a.sum() / b.sum()
    files = [write(tmp_path / f"{k}.csv", v) for k, v in zip("xyab", (x, y, a, b))]
    # the numbers as the CLI reads them (%.17g round-trips doubles)
    return files, [np.loadtxt(f, delimiter=",", ndmin=2) for f in files[:2]] + [
        np.loadtxt(f, delimiter=",") for f in files[2:]]


@pytest.mark.parametrize("metric,p", [("euclidean", 1), ("sqeuclidean", 1), ("cityblock", 1),
                                      ("euclidean", 2), ("cityblock", 1.5)])
def test_emd_matches_cli(wgan_bin, problem, metric, p):
    (fx, fy, fa, fb), (x, y, a, b) = problem
    want = cli_value(wgan_bin, "emd", fx, fy, "--weights-a", fa, "--weights-b", fb,
                     "--metric", metric, "--p", p)
    assert wgan.emd(x, y, a, b, metric=metric, p=p) == pytest.approx(want, rel=1e-14)


def test_1d_closed_form_matches_cli(wgan_bin, tmp_path, rng):
    u, v = rng.standard_normal(500), rng.standard_normal(300) * 2
    want = cli_value(wgan_bin, "emd", write(tmp_path / "u.csv", u), write(tmp_path / "v.csv", v))
    assert wgan.emd(u, v) == pytest.approx(want, rel=1e-14)
    assert wgan.wasserstein_1d(u, v) == pytest.approx(want, rel=1e-14)


def test_plan_and_potentials_match_cli(wgan_bin, problem, tmp_path):
    (fx, fy, fa, fb), (x, y, a, b) = problem
    plan_csv, pot_csv = tmp_path / "plan.csv", tmp_path / "pot.csv"
    want = cli_value(wgan_bin, "emd", fx, fy, "--weights-a", fa, "--weights-b", fb,
                     "--plan", plan_csv, "--potentials", pot_csv)
    r = wgan.emd(x, y, a, b, plan=True, potentials=True)
    assert r.distance == pytest.approx(want, rel=1e-14)
    cli_plan = np.loadtxt(plan_csv, delimiter=",", skiprows=1, ndmin=2)
    dense = np.zeros((40, 50))
    dense[cli_plan[:, 0].astype(int), cli_plan[:, 1].astype(int)] = cli_plan[:, 2]
    assert np.allclose(r.plan.toarray(), dense, rtol=0, atol=1e-14)
    pot = np.loadtxt(pot_csv, delimiter=",", skiprows=1)
    assert np.allclose(r.f, pot[pot[:, 0] == 0, 2], rtol=0, atol=1e-12)
    assert np.allclose(r.g, pot[pot[:, 0] == 1, 2], rtol=0, atol=1e-12)


def test_cost_matrix_matches_cli(wgan_bin, problem, tmp_path, rng):
    (fx, fy, fa, fb), (x, y, a, b) = problem
    M = rng.random((40, 50)) * 3
    fm = write(tmp_path / "M.csv", M)
    M = np.loadtxt(fm, delimiter=",")
    want = cli_value(wgan_bin, "emd", fx, fy, "--weights-a", fa, "--weights-b", fb, "--cost", fm)
    assert wgan.emd2(a, b, M) == pytest.approx(want, rel=1e-14)
    want = cli_value(wgan_bin, "emd", fx, fy, "--weights-a", fa, "--weights-b", fb, "--cost", fm,
                     "--method", "sinkhorn", "--reg", 0.5)
    assert wgan.sinkhorn(a, b, M, 0.5) == pytest.approx(want, rel=1e-12)


def test_divergences_match_cli(wgan_bin, tmp_path, rng):
    p, q = rng.random(30), rng.random(30)
    fp, fq = write(tmp_path / "p.csv", p), write(tmp_path / "q.csv", q)
    p, q = np.loadtxt(fp), np.loadtxt(fq)
    assert wgan.js_divergence(p, q) == pytest.approx(cli_value(wgan_bin, "js", fp, fq), rel=1e-14)
    assert wgan.kl_divergence(p, q) == pytest.approx(cli_value(wgan_bin, "js", fp, fq, "--kl"),
                                                     rel=1e-14)


@pytest.mark.parametrize("weights,exception", [("1\n-1\n1\n", ValueError),
                                               ("1\n2\n1\n", ValueError)])
def test_errors_carry_the_cli_message(wgan_bin, tmp_path, weights, exception):
    x = write(tmp_path / "x.csv", [[0.0, 0], [1, 0], [2, 0]])
    w = tmp_path / "w.csv"
    w.write_text(weights)
    rc, out, err = run(wgan_bin, "emd", x, x, "--weights-a", w)
    assert rc == 2 and out == "" and err.startswith("wgan emd: ")
    with pytest.raises(exception) as e:
        wgan.emd(np.loadtxt(x, delimiter=","), np.loadtxt(x, delimiter=","),
                 a=np.loadtxt(w))
    assert str(e.value) == err.strip().removeprefix("wgan emd: ")
