"""The feedback arrival model behind ``velocity forecast``: vectorised numpy, no I/O.

Each order's buyer leaves feedback at all with probability p (most never do: a cure fraction); if they do,
the delay in whole days from the order's delivery day follows a discretised log-normal (median m, shape s);
the buyer may leave it only until 90 days after the order date; feedback is positive with probability q.
Orders younger than the window are right-censored: "no feedback yet" is not "none".

p, m and s get a grid posterior (weak priors, below) from either per-order feedback rows (each order: a
delay seen, or nothing seen by its age) or, when positives are known only as Feedback Manager counts, from
the growth of the lifetime count between readings (Poisson). q gets a Beta posterior. Posterior draws then
drive simulated arrivals, so parameter uncertainty and count noise both reach the bands.

Priors (weak; the seller's own data overrides them within a few dozen feedbacks):
- p ~ Beta(0.5, 10): mean 4.8%, 80% between 0.2% and 11%. Seller feedback rates are "a few percent".
- log m ~ Normal(log 2.9, 0.8): the median delay of reviews after delivery in ../shared/data/olist is 2.9 days
  (continuous, fitted by `fit_delay`); sd 0.8 lets the seller's data move it by a factor of 2.2 either way per sd.
- s on a grid 0.5-2.0 with a Normal(0.71, 0.6) weight: olist's fitted shape is 0.71 (`fit_delay`, tested).
- q ~ Beta(9, 1) + the seller's own positive/all counts: positives are about 77% on olist, ~90% on Amazon.
- Day-to-day extra variation phi ~ 0.05 (Var = mu + phi mu^2), moved by the seller's own daily counts.
- Asking a buyer (Request a Review): an extra chance r ~ Beta(7, 93) (5-10% of asked buyers respond), arriving
  with a geometric delay of mean 3 days, until the seller's own request log can say better.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW = 90  # a buyer may leave feedback until 90 days after the order date
MAX_DELAY = WINDOW
PRIOR_P = (0.5, 10.0)
PRIOR_LOG_MEDIAN = (float(np.log(2.9)), 0.8)
SIGMAS = np.array([0.4, 0.55, 0.7, 0.85, 1.0, 1.2, 1.4, 1.7, 2.0])
PRIOR_SIGMA = (0.71, 0.6)
PRIOR_Q = (9.0, 1.0)
PRIOR_ASK = (7.0, 93.0)
ASK_DELAY_MEAN = 3.0
GRID_P = 120
PRIOR_PHI = 0.05  # day-to-day extra variation of arrivals before the seller's own history says more ...
PHI_WEIGHT = 20.0  # ... worth this much sum of squared daily expectations
DISPERSION_DAYS = 180
GRID_MU = 41


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf, and scipy is not worth a dependency.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def delay_cdf(mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """F[..., k] = P(delay <= k days), k = 0..MAX_DELAY, for a delay floor(X) with log X ~ N(mu, sigma)."""
    mu = np.asarray(mu, dtype=float)[..., None]
    sigma = np.asarray(sigma, dtype=float)[..., None]
    k = np.arange(1, MAX_DELAY + 2, dtype=float)
    return 0.5 * (1.0 + _erf((np.log(k) - mu) / (sigma * np.sqrt(2.0))))


def fit_delay(delays: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood (median, shape) of the discretised log-normal for whole-day delays (grid search):
    how the delay prior was fitted on ../shared/data/olist."""
    counts = np.bincount(np.clip(np.asarray(delays, dtype=int), 0, MAX_DELAY), minlength=MAX_DELAY + 1)
    mu, sigma = np.meshgrid(np.linspace(-1.0, 3.0, 401), np.linspace(0.3, 2.5, 221), indexing="ij")
    pmf = np.diff(delay_cdf(mu.ravel(), sigma.ravel()), axis=1, prepend=0.0)
    best = int(np.argmax(np.log(np.maximum(pmf, 1e-300)) @ counts))
    return float(np.exp(mu.ravel()[best])), float(sigma.ravel()[best])


def cdf_at(cdf: np.ndarray, age: np.ndarray) -> np.ndarray:
    """cdf evaluated at integer ages (negative ages: 0, ages past the table: its last value)."""
    inside = np.clip(age, 0, MAX_DELAY)
    return np.where(age < 0, 0.0, cdf[..., inside])


@dataclass(frozen=True)
class Orders:
    """One entry per order - or per group of orders alike in every field, with `count` saying how many -
    days as integers (any epoch): when placed, the day the delivery delay is counted from, and the day of
    the first feedback (-1: none seen) with its stars (0: none)."""

    purchase: np.ndarray
    basis: np.ndarray
    feedback: np.ndarray
    rating: np.ndarray
    count: np.ndarray | None = None  # orders in each entry (None: one each)

    @property
    def n(self) -> np.ndarray:
        return np.ones(self.purchase.size) if self.count is None else self.count.astype(float)

    def subset(self, keep: np.ndarray) -> Orders:
        return Orders(
            self.purchase[keep],
            self.basis[keep],
            self.feedback[keep],
            self.rating[keep],
            None if self.count is None else self.count[keep],
        )

    @property
    def close(self) -> np.ndarray:
        return self.purchase + WINDOW

    def cut(self, day: int) -> Orders:
        """What was known on `day`: orders placed by then, feedback given by then."""
        keep = self.purchase <= day
        seen = keep & (self.feedback >= 0) & (self.feedback <= day)
        return Orders(
            self.purchase[keep],
            self.basis[keep],
            np.where(seen, self.feedback, -1)[keep],
            np.where(seen, self.rating, 0)[keep],
            None if self.count is None else self.count[keep],
        )


@dataclass(frozen=True)
class Posterior:
    p: np.ndarray  # draws, one per simulated world
    mu: np.ndarray
    sigma: np.ndarray
    q: np.ndarray

    @property
    def cdf(self) -> np.ndarray:
        return delay_cdf(self.mu, self.sigma)

    def lag_median(self) -> float:
        """Median delay in whole days (posterior median of each draw's median)."""
        return float(np.median(np.floor(np.exp(self.mu))))


def _ages(orders: Orders, day: int) -> np.ndarray:
    """Age (days since the delivery basis) at which each order's feedback chance was last observed."""
    return np.minimum(day - orders.basis, orders.close - orders.basis)


def _histogram(values: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    keys, inverse = np.unique(values, return_inverse=True)
    return keys, np.bincount(inverse, weights=weights, minlength=keys.size).astype(float)


def _loglik_rows(orders: Orders, as_of: int):
    """Log-likelihood over (p, cells): each order either shows its delay d (p f(d)) or nothing by its age a
    (1 - p F(a))."""
    given = orders.feedback >= 0
    n = orders.n
    delays, n_delay = _histogram(
        np.clip(orders.feedback[given] - orders.basis[given], 0, MAX_DELAY), n[given]
    )
    waiting = ~given
    ages, n_age = _histogram(_ages(orders, as_of)[waiting], n[waiting])
    keep = ages >= 0
    ages, n_age = ages[keep], n_age[keep]
    n_given = float(n[given].sum())

    def loglik(p: np.ndarray, cdf: np.ndarray) -> np.ndarray:
        pmf = np.diff(cdf, axis=-1, prepend=0.0)
        seen = n_given * np.log(p)[:, None] + (np.log(np.maximum(pmf[:, delays], 1e-300)) @ n_delay)[None, :]
        at_age = cdf_at(cdf, ages)  # (cells, ages)
        unseen = np.log1p(-p[:, None, None] * at_age[None, :, :]) @ n_age
        return seen + unseen

    return loglik


def _loglik_counts(orders: Orders, readings: list[tuple[int, int]]):
    """Log-likelihood from Feedback Manager lifetime totals (all stars) read on given days: the growth
    between readings is Poisson with mean p x (sum of F(age) at this reading - at the previous one)."""
    tables = []
    for day, _ in readings:
        placed = orders.purchase <= day
        ages, n = _histogram(_ages(orders, day)[placed], orders.n[placed])
        tables.append((ages, n))
    counts = np.diff([0] + [total for _, total in readings]).astype(float)

    def loglik(p: np.ndarray, cdf: np.ndarray) -> np.ndarray:
        exposure = np.stack([cdf_at(cdf, ages) @ n for ages, n in tables], axis=-1)  # (cells, readings)
        growth = np.maximum(np.diff(exposure, axis=-1, prepend=0.0), 1e-12)
        mean = p[:, None, None] * growth[None, :, :]
        return (counts * np.log(mean) - mean).sum(axis=-1)

    return loglik


def _posterior_grid(loglik, p_range: tuple[float, float], mu_range: tuple[float, float]):
    logit_p = np.linspace(*p_range, GRID_P)
    p = 1.0 / (1.0 + np.exp(-logit_p))
    mu = np.linspace(*mu_range, GRID_MU)
    cell_mu = np.repeat(mu, SIGMAS.size)
    cell_sigma = np.tile(SIGMAS, mu.size)
    a, b = PRIOR_P
    log_prior_p = a * np.log(p) + b * np.log1p(-p)  # Beta density x the logit Jacobian p(1-p)
    m0, s0 = PRIOR_LOG_MEDIAN
    g0, h0 = PRIOR_SIGMA
    log_prior_cell = -0.5 * ((cell_mu - m0) / s0) ** 2 - 0.5 * ((cell_sigma - g0) / h0) ** 2
    log_post = loglik(p, delay_cdf(cell_mu, cell_sigma)) + log_prior_p[:, None] + log_prior_cell[None, :]
    post = np.exp(log_post - log_post.max())
    post /= post.sum()
    return logit_p, mu, post.reshape(GRID_P, GRID_MU, SIGMAS.size)


def _mass_range(grid: np.ndarray, mass: np.ndarray, tail: float = 1e-5) -> tuple[float, float]:
    cdf = np.cumsum(mass)
    step = grid[1] - grid[0]
    lo = grid[min(np.searchsorted(cdf, tail), grid.size - 1)] - step
    hi = grid[min(np.searchsorted(cdf, 1.0 - tail), grid.size - 1)] + step
    return float(lo), float(max(hi, lo + 1e-3))


def fit(
    orders: Orders,
    as_of: int,
    *,
    readings: list[tuple[int, int, int]] | None = None,
    draws: int = 2000,
    rng: np.random.Generator | None = None,
) -> Posterior:
    """Posterior draws of (p, m, s, q). With `readings` [(day, positive, total)], p and the delay come from
    the Feedback Manager counts and q from their positive share; otherwise from the per-order rows."""
    rng = rng or np.random.default_rng(0)
    if readings:
        loglik = _loglik_counts(orders, [(day, total) for day, _, total in readings])
        positive, total = readings[-1][1], readings[-1][2]
    else:
        loglik = _loglik_rows(orders, as_of)
        given = orders.feedback >= 0
        n = orders.n[given]
        positive, total = int(n[orders.rating[given] >= 4].sum()), int(n.sum())
    m0, s0 = PRIOR_LOG_MEDIAN
    p_range, mu_range = (-9.0, 2.0), (m0 - 4.5 * s0, m0 + 4.5 * s0)
    for _ in range(2):  # coarse, then zoomed onto the posterior mass
        logit_p, mu, post = _posterior_grid(loglik, p_range, mu_range)
        p_range = _mass_range(logit_p, post.sum(axis=(1, 2)))
        mu_range = _mass_range(mu, post.sum(axis=(0, 2)))
    flat = post.ravel()
    cell = rng.choice(flat.size, size=draws, p=flat)
    i, j, k = np.unravel_index(cell, post.shape)
    dp, dmu = logit_p[1] - logit_p[0], mu[1] - mu[0]
    lp = logit_p[i] + rng.uniform(-0.5, 0.5, draws) * dp  # spread each draw over its grid cell
    a, b = PRIOR_Q
    return Posterior(
        p=1.0 / (1.0 + np.exp(-lp)),
        mu=mu[j] + rng.uniform(-0.5, 0.5, draws) * dmu,
        sigma=SIGMAS[k],
        q=rng.beta(a + positive, b + total - positive, draws),
    )


def expected_arrivals(
    post: Posterior, orders: Orders, start: int, horizon: int, *, conditional: bool
) -> np.ndarray:
    """Expected feedback (all stars) on days start+1 .. start+horizon from the given orders, per draw:
    shape (draws, horizon). conditional: these orders have shown no feedback by `start`, so each one's
    chance is p(F(a+t) - F(a+t-1)) / (1 - pF(a)); otherwise the unconditional p(F(a+t) - F(a+t-1))."""
    cdf = post.cdf  # (draws, MAX_DELAY + 1)
    pmf = np.diff(cdf, axis=1, prepend=0.0)
    age = start - orders.basis
    span = np.clip(orders.close - orders.basis, -1, MAX_DELAY)  # the last delay the window allows
    keys, n = _histogram(age * (MAX_DELAY + 1) + span, orders.n)  # group orders by (age, allowed span)
    out = np.zeros((post.p.size, horizon))
    t = np.arange(1, horizon + 1)
    for key, count in zip(keys.tolist(), n.tolist(), strict=True):  # one step per group, not per order
        a, w = divmod(key, MAX_DELAY + 1)
        if a >= w:
            continue  # window closed
        d = a + t
        ok = (d >= 0) & (d <= w)
        if not ok.any():
            continue
        share = count * post.p
        if conditional:
            share = share / (1.0 - post.p * cdf_at(cdf, np.array([a]))[:, 0])
        out[:, ok] += share[:, None] * pmf[:, d[ok]]
    return out


def future_arrivals(post: Posterior, per_day: np.ndarray, transit: int, horizon: int) -> np.ndarray:
    """Expected feedback on days 1..horizon from orders placed on days 1..horizon at per_day (per draw).
    The orders of day u are delivered on u + transit; on day t the cohorts u = 1..t together give
    sum_u p f(t - u - transit) = p F(t - 1 - transit), each cohort's delay capped by its window."""
    lag = np.arange(horizon) - transit  # t - 1 - transit for t = 1..horizon
    reach = cdf_at(post.cdf, np.minimum(lag, WINDOW - transit))
    return (per_day * post.p)[:, None] * reach


def still_to_come(p, cdf: np.ndarray, age: np.ndarray, until: np.ndarray) -> np.ndarray:
    """The chance that an order silent at delay `age` gives feedback by delay `until` (the caller caps both
    by the order's window): p (F(until) - F(age)) / (1 - p F(age)). Broadcasts over draws and orders."""
    before = cdf_at(cdf, age)
    return p * (cdf_at(cdf, until) - before) / (1.0 - p * before)


def response_evidence(
    post: Posterior, asked: Orders, asked_on: np.ndarray, settle: int
) -> tuple[float, float, float]:
    """From orders asked for feedback at least `settle` days ago, silent until then: (orders, feedback that
    came within `settle` days of the request, feedback the model expected in those days unasked). The
    excess is what asking brought."""
    centre = delay_cdf(np.median(post.mu), np.median(post.sigma))
    p = float(np.median(post.p))
    n = asked.n
    age = asked_on - asked.basis
    span = asked.close - asked.basis
    expected = still_to_come(p, centre, np.minimum(age, span), np.minimum(age + settle, span))
    baseline = float((n * expected).sum())
    came = (asked.feedback > asked_on) & (asked.feedback <= asked_on + settle)
    return float(n.sum()), float(n[came].sum()), baseline


def asked_arrivals(chance: np.ndarray, eligible: int, horizon: int) -> np.ndarray:
    """Expected extra feedback on days 1..horizon when `eligible` buyers are asked on day 0."""
    g = 1.0 / ASK_DELAY_MEAN
    t = np.arange(1, horizon + 1)
    pmf = g * (1.0 - g) ** (t - 1)
    return (eligible * chance)[:, None] * pmf[None, :]


def dispersion(post: Posterior, orders: Orders, as_of: int, days: int = DISPERSION_DAYS) -> float:
    """Day-to-day extra variation of feedback arrivals (phi: Var = mu + phi mu^2 a day), by moments from the
    last `days` days: the feedback rows seen each day against what the model expects for that day (posterior
    medians, all orders, unconditional). Shrunk towards PRIOR_PHI, so a young seller gets the prior.
    Real arrivals vary more than Poisson (Olist: weekly variance 1.6 times the mean); ignoring it makes
    the 7-day bands too narrow."""
    centre = Posterior(
        p=np.array([np.median(post.p)]),
        mu=np.array([np.median(post.mu)]),
        sigma=np.array([np.median(post.sigma)]),
        q=np.array([1.0]),
    )
    first = max(as_of - days, int(orders.purchase.min()) if orders.purchase.size else as_of)
    span = as_of - first
    if span < 7:
        return PRIOR_PHI
    mu = expected_arrivals(centre, orders, first, span, conditional=False)[0]
    seen = (orders.feedback > first) & (orders.feedback <= as_of)
    y = np.bincount(orders.feedback[seen] - first - 1, weights=orders.n[seen], minlength=span)[:span]
    excess = float(((y - mu) ** 2 - mu).sum())
    return float(np.clip((excess + PRIOR_PHI * PHI_WEIGHT) / (float((mu**2).sum()) + PHI_WEIGHT), 0.0, 1.0))


def shocks(rng: np.random.Generator, phi: float, shape: tuple[int, int]) -> np.ndarray:
    """One multiplicative Gamma(1/phi, phi) shock per draw and day (mean 1, variance phi), shared by every
    order's arrivals that day; ones when phi is 0."""
    if phi <= 0:
        return np.ones(shape)
    return rng.gamma(1.0 / phi, phi, shape)


def positive_paths(
    post: Posterior, waiting: Orders, start: int, horizon: int, phi: float, rng: np.random.Generator
) -> np.ndarray:
    """Simulated new positive feedback, cumulative over days start+1 .. start+horizon (draws, horizon), from
    orders that have shown none by start: parameter draws, day shocks and Poisson count noise."""
    expected = expected_arrivals(post, waiting, start, horizon, conditional=True)
    daily = rng.poisson(post.q[:, None] * expected * shocks(rng, phi, expected.shape))
    return np.cumsum(daily, axis=1)


def quantiles(draws: np.ndarray, levels=(0.1, 0.5, 0.9), axis: int = 0) -> np.ndarray:
    """Quantiles that are values some draw took (inverted CDF): counts stay whole, dates stay dates."""
    return np.quantile(draws, levels, axis=axis, method="inverted_cdf")


def count_quantiles(draws: np.ndarray, levels=(0.1, 0.5, 0.9)) -> np.ndarray:
    """Mid-distribution quantiles of a sampled count (Parzen 2004): the level is read off the mid-CDF
    F(x) - P(X = x)/2, interpolated between the values drawn. For small counts the plain quantiles make an
    80% band hold the truth 90% of the time or more; these bounds (fractional) make it about 80%.
    draws: (samples,) or (samples, columns); returns (levels,) or (levels, columns)."""
    draws = np.asarray(draws)
    if draws.ndim == 1:
        values, counts = np.unique(draws, return_counts=True)
        mass = counts / counts.sum()
        return np.interp(levels, np.cumsum(mass) - 0.5 * mass, values)
    return np.stack([count_quantiles(draws[:, j], levels) for j in range(draws.shape[1])], axis=1)


def crps(draws: np.ndarray, truth: float) -> float:
    """Continuous ranked probability score of a sample forecast: E|X - y| - E|X - X'| / 2 (lower is better)."""
    x = np.sort(np.asarray(draws, dtype=float))
    n = x.size
    spread = (2.0 * np.arange(1, n + 1) - n - 1) @ x / (n * n)
    return float(np.abs(x - truth).mean() - spread)
