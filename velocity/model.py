"""The feedback arrival model behind ``velocity forecast``: vectorised numpy, no I/O.

Each order's buyer leaves feedback at all with probability p (most never do: a cure fraction); if they do,
the delay in whole days from the order's delivery basis (its earliest delivery date) is a shift of 0-7 days
(delivery is often later than its earliest date) plus a discretised variable of median m and spread s whose
right tail is log-normal or thinner (a Box-Cox family, `delay_cdf`); the buyer may leave it only until 90
days after the order date; it is positive with probability q, which may fall with the delay (late feedback
is often worse). Orders younger than the window are right-censored: "no feedback yet" is not "none".

p and the delay get a grid posterior (weak priors, below; zoomed in two passes, every draw spread over its
cell, so no uncertainty collapses onto a grid point) from either per-order feedback rows (each order: a
delay seen, or nothing seen by its age - silence is data), 1-3 star rows alone (Amazon's usual report: their
silence bounds p(1 - q) only), or Feedback Manager counts (the growth of the lifetime count between readings,
Poisson). Orders count with weights halving every 30, 60 or 120 days, whichever foretold the seller's own
history best (`fit_half_life`): drift widens the bands. q is a logistic regression on log(1 + delay) with the
share's move between cohorts added. Posterior draws then drive simulated arrivals, so parameter uncertainty
and count noise both reach the bands.

Priors (weak; the seller's own data overrides them within a few dozen feedbacks):
- logit p ~ Normal(logit 6%, 1.2): 80% between 1.3% and 23% (seller rates "a few percent"; Olist 16%).
- log m ~ Normal(log 4, 1.0) days after the earliest delivery: 80% between 1.1 and 14 days. Olist's reviews
  come a median 2.9 days after the real delivery (`fit_delay`), but delivery comes after its earliest date
  and Amazon's reminder 2 days after the latest one or on day 22, so one to three weeks is common: a young
  seller's silence must be able to mean "not yet" without pushing p down.
- s in 0.25-2.5 with a Normal(0.71, 0.6) weight: Olist's fitted shape is 0.71 (`fit_delay`, tested); the
  shift weighs 0.8 per day, the thinner tail as much as the log-normal one.
- q: its level ~ logit-normal like Beta(9, 1), its slope in log(1 + delay) ~ Normal(0, 0.5); positives are
  about 77% on Olist, ~90% on Amazon. Its move between fortnights ~ 0.05 a priori.
- Day-to-day extra variation phi ~ 0.05 (Var = mu + phi mu^2), moved by the seller's own daily counts.
- Asking a buyer (Request a Review): an extra chance r ~ Beta(7, 93) (5-10% of asked buyers respond), arriving
  with a geometric delay of mean 3 days, until the seller's own request log can say better.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW = 90  # a buyer may leave feedback until 90 days after the order date
MAX_DELAY = WINDOW
PRIOR_LOGIT_P = (float(np.log(0.06 / 0.94)), 1.2)
PRIOR_LOG_MEDIAN = (float(np.log(4.0)), 1.0)
SIGMA_RANGE = (0.25, 2.5)  # the delay's log-normal shape: a continuous grid over this range, zoomed
SHIFTS = (0, 1, 2, 3, 5, 7)  # days after the delivery basis before feedback can come ...
TAILS = (0.0, 0.5)  # ... the right tail log-normal (0) or thinner (0.5) ...
FORMS = np.array([(shift, tail) for tail in TAILS for shift in SHIFTS], dtype=float)  # ... every pair
SHIFT_PRIOR = 0.8  # ... each further day weighing 0.8 of the one before it ...
EARLY = 0.03  # ... bar this share, as if unshifted (delivered early): one early row does not rule it out
PASSES = ((40, 17, 6), (64, 25, 8))  # grid points (p, median, shape): coarse, then zoomed onto the mass
CHUNK = 2_000_000  # values of log(1 - pF) computed at once ...
SERIES_P, SERIES_TERMS = 0.35, 22  # ... or, for p up to 0.35, by a series of 22 terms
PRIOR_SIGMA = (0.71, 0.6)
PRIOR_Q = (9.0, 1.0)
PRIOR_Q_SLOPE = 0.5  # sd of the share's logit slope in log(1 + delay): late feedback may be worse
PRIOR_SHARE_MOVE = (0.05, 3.0)  # q moves between cohorts by this sd a priori, worth 3 cohorts ...
SHARE_DAYS = 14  # ... of orders purchased within 14 days of each other
# 1 - q at 8 quantiles of its prior Beta(1, 9): the low-star share a fit from 1-3 star rows averages over
LOW_SHARES = 1.0 - (1.0 - (np.arange(8) + 0.5) / 8) ** (1.0 / PRIOR_Q[0])
PRIOR_ASK = (7.0, 93.0)
ASK_DELAY_MEAN = 3.0
FIT_HALF_LIVES = (30.0, 60.0, 120.0)  # days: an order of that age counts half in the fit (drift) ...
ANSWER_DAYS = 21  # ... chosen by how well it foretold each cohort's share answered within 21 days
PRIOR_PHI = 0.05  # day-to-day extra variation of arrivals before the seller's own history says more ...
PHI_WEIGHT = 20.0  # ... worth this much sum of squared daily expectations
DISPERSION_DAYS = 180


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf, and scipy is not worth a dependency.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def delay_cdf(
    mu: np.ndarray,
    sigma: np.ndarray,
    shift: np.ndarray | float = 0.0,
    tail: np.ndarray | float = 0.0,
    days: int = MAX_DELAY + 1,
) -> np.ndarray:
    """F[..., k] = P(delay <= k days), k = 0..days-1, for a delay shift + floor(X): X has median e^mu and
    spread sigma (in log terms at the median); tail 0 makes it log-normal, tail > 0 thins its right tail
    ((X/median)^tail - 1) / (tail sigma) ~ Normal, truncated at X > 0: a Box-Cox family). No feedback in the
    first `shift` (whole) days after the basis (delivery comes after the earliest date), bar a share EARLY
    that comes unshifted (an order delivered early)."""
    mu, sigma, shift, tail = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (mu, sigma, shift, tail))
    )
    shape = mu.shape
    mu, sigma, shift, tail = (x.reshape(-1, 1) for x in (mu, sigma, shift, tail))
    x = np.arange(1, days + 1, dtype=float)[None, :]
    z = np.empty((mu.shape[0], days))
    thin = tail[:, 0] > 0
    z[~thin] = (np.log(x) - mu[~thin]) / sigma[~thin]
    if thin.any():
        lam, sd = tail[thin], sigma[thin]
        z[thin] = ((x * np.exp(-mu[thin])) ** lam - 1.0) / (lam * sd)
    below = 0.5 * (1.0 + _erf(z / np.sqrt(2.0)))  # P(X < k + 1) for k = 0..days-1, before truncation
    if thin.any():
        floor = 0.5 * (1.0 + _erf(-1.0 / (tail[thin] * sigma[thin] * np.sqrt(2.0))))
        below[thin] = (below[thin] - floor) / (1.0 - floor)
    if (shift > 0).any():  # the same curve, `shift` days later (plus the early share)
        back = np.arange(days)[None, :] - shift.astype(int)
        late = np.where(back >= 0, np.take_along_axis(below, np.maximum(back, 0), axis=1), 0.0)
        below = np.where(shift > 0, EARLY * below + (1.0 - EARLY) * late, below)
    return below.reshape(*shape, days)


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
    q: np.ndarray  # the positive share (at the delay q_centre)
    shift: np.ndarray | None = None  # days before feedback can come (None: 0)
    tail: np.ndarray | None = None  # how much thinner than log-normal the delay's right tail is (None: 0)
    q_slope: np.ndarray | None = None  # logit q per unit of log(1 + delay) (None: q the same at every delay)
    q_centre: float = 0.0  # the log(1 + delay) at which the share is q

    @property
    def positive_share(self) -> np.ndarray:
        """The positive share of feedback given d days after the basis, per draw: (draws, MAX_DELAY + 1).
        Late feedback is often worse (Olist: 85% positive within 5 days, about half after 20)."""
        if self.q_slope is None:
            return np.repeat(self.q[:, None], MAX_DELAY + 1, axis=1)
        q = np.clip(self.q, 1e-9, 1 - 1e-9)
        x = np.log1p(np.arange(MAX_DELAY + 1)) - self.q_centre
        eta = np.log(q / (1 - q))[:, None] + self.q_slope[:, None] * x[None, :]
        return 1.0 / (1.0 + np.exp(-eta))

    @property
    def shifts(self) -> np.ndarray:
        return np.zeros(self.p.size) if self.shift is None else self.shift

    @property
    def cdf(self) -> np.ndarray:
        return delay_cdf(self.mu, self.sigma, self.shifts, 0.0 if self.tail is None else self.tail)

    def centre(self) -> Posterior:
        """One draw of the posterior medians (q 1)."""
        return Posterior(
            p=np.array([np.median(self.p)]),
            mu=np.array([np.median(self.mu)]),
            sigma=np.array([np.median(self.sigma)]),
            q=np.array([1.0]),
            shift=np.array([np.median(self.shifts)]),
            tail=None if self.tail is None else np.array([np.median(self.tail)]),
        )

    def lag_median(self) -> float:
        """Median delay in whole days (posterior median of each draw's median)."""
        return float(np.median(self.shifts + np.floor(np.exp(self.mu))))


def recent_weighted(orders: Orders, as_of: int, half_life: float) -> Orders:
    """The orders with each one counting 0.5 ** (its age in days / half_life): p, q and the delay a seller
    shows drift, and the forecast should follow the recent ones. The fewer orders that weigh, the wider
    the posterior, so the bands widen where the seller's history has moved."""
    w = 0.5 ** (np.maximum(as_of - orders.purchase, 0) / half_life)
    return Orders(orders.purchase, orders.basis, orders.feedback, orders.rating, orders.n * w)


def fit_half_life(orders: Orders, as_of: int) -> float:
    """How fast the fit should forget, from the seller's own history: the half-life among FIT_HALF_LIVES
    whose weights best foretold each cohort's share of orders answered within ANSWER_DAYS of their basis from
    the cohorts before it (binomial log-likelihood). A seller whose feedback has drifted gets a short one
    (and wider bands); a steady one keeps most of its history. The longest while too few cohorts can tell."""
    mature = (orders.feedback < 0) | (orders.feedback >= orders.basis)  # every order, feedback or not
    mature &= as_of - orders.basis >= ANSWER_DAYS
    if not mature.any():
        return FIT_HALF_LIVES[-1]
    age = (as_of - orders.purchase[mature]) // SHARE_DAYS
    answered = (orders.feedback[mature] >= 0) & (
        orders.feedback[mature] - orders.basis[mature] <= ANSWER_DAYS
    )
    n = np.bincount(age, weights=orders.n[mature])[::-1]  # oldest cohort first
    y = np.bincount(age, weights=orders.n[mature] * answered, minlength=n.size)[::-1]
    keep = n > 0
    n, y, when = n[keep], y[keep], np.arange(keep.size)[keep] * SHARE_DAYS
    if n.size < 4:
        return FIT_HALF_LIVES[-1]
    gap = when[:, None] - when[None, :]  # cohort t from the cohorts s before it
    scores = []
    for half in FIT_HALF_LIVES:
        w = np.where(gap > 0, 0.5 ** (np.maximum(gap, 0) / half), 0.0)[2:]
        share = (w @ y + 0.5) / (w @ n + 1.0)
        scores.append(float((y[2:] * np.log(share) + (n[2:] - y[2:]) * np.log1p(-share)).sum()))
    return FIT_HALF_LIVES[int(np.argmax(scores))]


def share_variation(orders: Orders, as_of: int) -> float:
    """How much the positive share q moves between cohorts of orders (purchased in the same SHARE_DAYS):
    the variance between them beyond what their counts explain (method of moments), shrunk towards
    PRIOR_SHARE_MOVE. A seller whose buyers' mood has swung gets a wider q for the orders still to answer."""
    given = orders.feedback >= 0
    sd, worth = PRIOR_SHARE_MOVE
    if not given.any():
        return sd**2
    cohort = (as_of - orders.purchase[given]) // SHARE_DAYS
    n = np.bincount(cohort, weights=orders.n[given])
    y = np.bincount(cohort, weights=orders.n[given] * (orders.rating[given] >= 4))
    n, y = n[n > 0], y[n > 0]
    total = n.sum()
    mean = y.sum() / total
    between = 0.0
    if n.size > 1 and 0 < mean < 1:
        spread = float((n * (y / n - mean) ** 2).sum()) - (n.size - 1) * mean * (1 - mean)
        between = max(spread, 0.0) / (total - float((n**2).sum()) / total)
    steps = max(n.size - 1, 0)
    return (between * steps + sd**2 * worth) / (steps + worth)


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
    days = int(max(ages.max(initial=0), delays.max(initial=0))) + 1  # how much of F the fit reads

    def loglik(p: np.ndarray, cdf: np.ndarray) -> np.ndarray:
        pmf = np.diff(cdf, axis=-1, prepend=0.0)
        seen = n_given * np.log(p)[:, None] + (np.log(np.maximum(pmf[:, delays], 1e-300)) @ n_delay)[None, :]
        return seen + _log_silence(p, cdf_at(cdf, ages), n_age)

    return loglik, days


def _log_silence(p: np.ndarray, at_age: np.ndarray, n_age: np.ndarray) -> np.ndarray:
    """sum_a n_a log(1 - p F_c(a)) for every p and cell c: (p, cells). For p <= SERIES_P by the series
    log(1 - x) = -sum_k x^k / k (error below 1e-10 of the sum; moments of F computed once per cell), above
    it exactly, a chunk of cells at a time."""
    out = np.empty((p.size, at_age.shape[0]))
    small = p <= SERIES_P
    if small.any():
        k = np.arange(1, SERIES_TERMS + 1)
        moments, power = np.empty((k.size, at_age.shape[0])), np.ones_like(at_age)
        for i in range(k.size):
            power = power * at_age
            moments[i] = power @ n_age
        out[small] = -((p[small, None] ** k) / k) @ moments
    large = np.flatnonzero(~small)
    if large.size:
        step = max(1, CHUNK // max(large.size * at_age.shape[1], 1))
        for c in range(0, at_age.shape[0], step):
            x = p[large, None, None] * at_age[None, c : c + step, :]
            out[large, c : c + step] = np.log1p(-x) @ n_age
    return out


def _loglik_low_stars(orders: Orders, as_of: int):
    """Log-likelihood from 1-3 star rows alone (Amazon's feedback report; or no positive has come yet): an order
    shows such a row with chance p(1-q), and its silence says no more than that. q is unknown here, so the
    likelihood is averaged over LOW_SHARES, quantiles of 1-q under its prior: silent orders well past the
    delay still pull p down (silence is data), but only as far as a high positive share allows."""
    base, days = _loglik_rows(orders, as_of)

    def loglik(p: np.ndarray, cdf: np.ndarray) -> np.ndarray:
        parts = np.stack([base(p * share, cdf) for share in LOW_SHARES])
        top = parts.max(axis=0)
        return top + np.log(np.exp(parts - top).mean(axis=0))

    return loglik, days


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

    return loglik, MAX_DELAY + 1


def _posterior_grid(
    loglik, days: int, sizes: tuple[int, int, int], p_range, mu_range, sigma_range, forms: np.ndarray
):
    """The posterior on a grid (p, median, shape, form), normalised: logit p, log median and shape evenly
    spaced over their ranges; the forms are (shift, tail) pairs."""
    logit_p = np.linspace(*p_range, sizes[0])
    p = 1.0 / (1.0 + np.exp(-logit_p))
    mu = np.linspace(*mu_range, sizes[1])
    sigma = np.linspace(*sigma_range, sizes[2])
    cell_mu, cell_sigma, cell_form = (
        x.ravel() for x in np.meshgrid(mu, sigma, np.arange(len(forms)), indexing="ij")
    )
    cell_shift, cell_tail = forms[cell_form, 0], forms[cell_form, 1]
    l0, k0 = PRIOR_LOGIT_P
    log_prior_p = -0.5 * ((logit_p - l0) / k0) ** 2  # normal on the logit grid
    m0, s0 = PRIOR_LOG_MEDIAN
    g0, h0 = PRIOR_SIGMA
    log_prior_cell = (
        -0.5 * ((cell_mu - m0) / s0) ** 2
        - 0.5 * ((cell_sigma - g0) / h0) ** 2
        + np.log(SHIFT_PRIOR) * cell_shift
    )
    cdf = delay_cdf(cell_mu, cell_sigma, cell_shift, cell_tail, days)
    log_post = loglik(p, cdf) + log_prior_p[:, None] + log_prior_cell[None, :]
    post = np.exp(log_post - log_post.max())
    post /= post.sum()
    return logit_p, mu, sigma, post.reshape(sizes[0], sizes[1], sizes[2], len(forms))


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
    low_stars_only: bool = False,
    draws: int = 2000,
    rng: np.random.Generator | None = None,
) -> Posterior:
    """Posterior draws of (p, m, s, q). With `readings` [(day, positive, total)], p and the delay come from
    the Feedback Manager counts and q from their positive share; with `low_stars_only` (the rows hold no
    positive: Amazon's report lists 1-3 stars only, or none came yet) from the 1-3 star rows and the silence
    of every other order; otherwise from the per-order rows."""
    rng = rng or np.random.default_rng(0)
    spread_q, rows = 0.0, not readings and not low_stars_only
    if readings:
        loglik, days = _loglik_counts(orders, [(day, total) for day, _, total in readings])
        positive, total = readings[-1][1], readings[-1][2]
    elif low_stars_only:
        weighted = recent_weighted(orders, as_of, fit_half_life(orders, as_of))
        loglik, days = _loglik_low_stars(weighted, as_of)
        positive, total = 0.0, 0.0  # the rows say nothing of the positive share
    else:
        spread_q = share_variation(orders, as_of)
        orders = recent_weighted(orders, as_of, fit_half_life(orders, as_of))
        loglik, days = _loglik_rows(orders, as_of)
        positive = total = 0.0  # the share comes from the rows, by delay (_share_by_delay)
    m0, s0 = PRIOR_LOG_MEDIAN
    p_range, mu_range, sigma_range = (-9.0, 2.0), (m0 - 4.5 * s0, m0 + 4.5 * s0), SIGMA_RANGE
    forms = FORMS
    for sizes in PASSES:  # coarse, then zoomed onto the posterior mass
        logit_p, mu, sigma, post = _posterior_grid(loglik, days, sizes, p_range, mu_range, sigma_range, forms)
        p_range = _mass_range(logit_p, post.sum(axis=(1, 2, 3)))
        mu_range = _mass_range(mu, post.sum(axis=(0, 2, 3)))
        lo, hi = _mass_range(sigma, post.sum(axis=(0, 1, 3)))
        sigma_range = (max(lo, SIGMA_RANGE[0]), min(max(hi, lo + 0.05), SIGMA_RANGE[1]))
        grid_forms, form_mass = forms, post.sum(axis=(0, 1, 2))
        forms = forms[form_mass >= 1e-4 * form_mass.max()]
    flat = post.ravel()
    cell = rng.choice(flat.size, size=draws, p=flat)
    i, j, k, h = np.unravel_index(cell, post.shape)

    def spread(grid: np.ndarray, at: np.ndarray) -> np.ndarray:  # each draw anywhere in its grid cell
        return grid[at] + rng.uniform(-0.5, 0.5, draws) * (grid[1] - grid[0])

    if rows:
        q, slope, centre = _share_by_delay(orders, spread_q, draws, rng)
    else:
        a, b = PRIOR_Q
        q, slope, centre = rng.beta(a + positive, b + total - positive, draws), None, 0.0
    return Posterior(
        p=1.0 / (1.0 + np.exp(-spread(logit_p, i))),
        mu=spread(mu, j),
        sigma=np.maximum(spread(sigma, k), 0.05),
        q=q,
        shift=grid_forms[h, 0],
        tail=grid_forms[h, 1],
        q_slope=slope,
        q_centre=centre,
    )


def _share_by_delay(
    orders: Orders, spread_q: float, draws: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, float]:
    """Draws of the positive share at the rows' typical delay and of its slope in log(1 + delay): a
    logistic regression on the rows (priors: the level as Beta(9, 1), the slope Normal(0, 0.5)), its
    posterior by Laplace's approximation (Newton steps to the mode, the inverse Hessian as covariance), and
    the share's move between cohorts (share_variation) added to the level's variance."""
    given = orders.feedback >= 0
    delay = np.clip(orders.feedback[given] - orders.basis[given], 0, MAX_DELAY)
    n = orders.n[given]
    keys, counts = _histogram(delay, n)
    _, good = _histogram(delay, n * (orders.rating[given] >= 4))
    x = np.log1p(keys.astype(float))
    centre = float(counts @ x / counts.sum()) if counts.sum() > 0 else float(np.log1p(7.0))
    design = np.stack([np.ones_like(x), x - centre], axis=1)
    a, b = PRIOR_Q
    theta0 = np.array([np.log(a / b), 0.0])
    precision = np.diag([1.0 / (1.0 / a + 1.0 / b), 1.0 / PRIOR_Q_SLOPE**2])
    theta = theta0.copy()
    for _ in range(30):
        mean = 1.0 / (1.0 + np.exp(-(design @ theta)))
        grad = design.T @ (good - counts * mean) - precision @ (theta - theta0)
        hess = design.T @ (design * (counts * mean * (1 - mean))[:, None]) + precision
        step = np.linalg.solve(hess, grad)
        theta += step
        if np.abs(step).max() < 1e-9:
            break
    cov = np.linalg.inv(hess)
    m = 1.0 / (1.0 + np.exp(-theta[0]))
    cov[0, 0] += spread_q / (m * (1 - m)) ** 2
    z = rng.standard_normal((draws, 2)) @ np.linalg.cholesky(cov).T + theta
    return 1.0 / (1.0 + np.exp(-z[:, 0])), z[:, 1], centre


def expected_arrivals(
    post: Posterior, orders: Orders, start: int, horizon: int, *, conditional: bool, positive: bool = False
) -> np.ndarray:
    """Expected feedback (all stars; positive: the positive feedback) on days start+1 .. start+horizon from
    the given orders, per draw: shape (draws, horizon). conditional: these orders have shown no feedback by
    `start`, so each one's chance is p(F(a+t) - F(a+t-1)) / (1 - pF(a)); otherwise the unconditional
    p(F(a+t) - F(a+t-1))."""
    cdf = post.cdf  # (draws, MAX_DELAY + 1)
    pmf = np.diff(cdf, axis=1, prepend=0.0)
    if positive:
        pmf = pmf * post.positive_share
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


def future_arrivals(
    post: Posterior, per_day: np.ndarray, transit: int, horizon: int, *, positive: bool = False
) -> np.ndarray:
    """Expected feedback (positive: positive feedback) on days 1..horizon from orders placed on days
    1..horizon at per_day (per draw). The orders of day u are delivered on u + transit; on day t the cohorts
    u = 1..t together give sum_u p f(t - u - transit) = p F(t - 1 - transit), each cohort's delay capped by
    its window (positive: f weighted by the positive share at each delay)."""
    lag = np.arange(horizon) - transit  # t - 1 - transit for t = 1..horizon
    cdf = post.cdf
    if positive:
        cdf = np.cumsum(np.diff(cdf, axis=1, prepend=0.0) * post.positive_share, axis=1)
    reach = cdf_at(cdf, np.minimum(lag, WINDOW - transit))
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
    mid = post.centre()
    centre, p = mid.cdf[0], float(mid.p[0])
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
    centre = post.centre()
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
    expected = expected_arrivals(post, waiting, start, horizon, conditional=True, positive=True)
    daily = rng.poisson(expected * shocks(rng, phi, expected.shape))
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
