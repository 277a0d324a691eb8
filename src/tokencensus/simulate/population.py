"""Accounts, their model engagements, and which account sent each request.

Requests per (day, model) follow the plan exactly; accounts are hung on them:
an account arrives, adopts a few models one after another (the choice follows
popularity plus launch buzz) and keeps each for a heavy-tailed time, so every
model has real first-use cohorts. Cohort rules from the calibration make some
adopters stay to the end (foundational cohorts) or leave and come back
(boomerangs). Each day's requests to a model are shared among the engagements
active that day, in proportion to the account's heavy-tailed activity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tokencensus.simulate import calibration as cal
from tokencensus.simulate import ids
from tokencensus.simulate.models import Plan, adoption_weights

DAY_US = 86_400_000_000
KINDS = ("coding", "roleplay", "general")


@dataclass(frozen=True)
class Population:
    """Accounts (index u; the last one is the spike account when there is a spike),
    engagements (index e) and the request skeleton sorted by time (index r)."""

    user_names: list[str]
    user_country: np.ndarray  # int index into COUNTRY_CODES
    user_byok: np.ndarray
    user_apps: np.ndarray  # (U, 3) int index into APP_URLS per kind, -1 = no app
    eng_user: np.ndarray
    eng_model: np.ndarray
    eng_free: np.ndarray
    spike_eng: int  # -1 when the spike week is outside the period
    ts: np.ndarray  # int64 microseconds since the epoch, sorted
    eng: np.ndarray  # int32 engagement of each request

    @property
    def rows(self) -> int:
        return len(self.ts)


COUNTRY_CODES = tuple(c for c, *_ in cal.COUNTRIES)
APP_URLS = tuple(url for kind in KINDS for url in cal.APPS[kind])


def _epoch_us(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days * DAY_US


def _sample_rows(cdf: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF draw per row, ``cdf[rows]`` giving each row its own distribution."""
    u = rng.random(len(rows))
    out = np.empty(len(rows), dtype=np.int64)
    step = 1 << 18
    for lo in range(0, len(rows), step):
        part = cdf[rows[lo:lo + step]]
        out[lo:lo + step] = (u[lo:lo + step, None] > part).sum(axis=1)
    return np.asarray(np.minimum(out, cdf.shape[1] - 1))


def _engagements(plan: Plan, n_users: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Arrival, engagement intervals (float days) and models for ``n_users`` accounts."""
    days = plan.days
    pre = rng.random(n_users) < cal.PRE_EXISTING
    g = cal.ARRIVAL_GROWTH
    arrival = np.where(pre, -rng.uniform(0, 120, n_users),
                       np.log1p(rng.random(n_users) * np.expm1(g)) / g * days)
    k = np.minimum(rng.geometric(cal.EXTRA_ENGAGEMENT_P, n_users), cal.MAX_ENGAGEMENTS)
    user = np.repeat(np.arange(n_users), k)
    gaps = rng.exponential(cal.ADOPTION_GAP_DAYS, len(user))
    first = np.r_[0, np.cumsum(k)[:-1]]
    gaps[first] = 0.0
    csum = np.cumsum(gaps)
    start = arrival[user] + csum - np.repeat(csum[first], k)
    keep = start < days
    user, start = user[keep], start[keep]

    adopt = adoption_weights(plan)
    model = _sample_rows(np.cumsum(adopt, axis=1), np.clip(start, 0, days - 1).astype(int), rng)
    trial = rng.random(len(user)) < cal.TRIAL_P
    stay = np.where(trial, rng.exponential(cal.TRIAL_DAYS, len(user)),
                    rng.lognormal(np.log(cal.STAY_MEDIAN_DAYS), cal.STAY_SIGMA, len(user)))
    end = start + stay
    extra_user, extra_start, extra_end, extra_model = [], [], [], []
    for j, slug in enumerate(plan.slugs):
        cohort = cal.MODELS[slug].cohort
        if cohort is None:
            continue
        lo = plan.day_of(cal.day(cohort.start))
        inside = (model == j) & (start >= lo) & (start < lo + cohort.days)
        sticky = inside & (rng.random(len(user)) < cohort.sticky)
        end[sticky] = days + 1.0
        back = np.flatnonzero(inside & ~sticky & (rng.random(len(user)) < cohort.returns))
        end[back] = np.minimum(end[back], start[back] + rng.uniform(10, 45, len(back)))
        again = start[back] + cohort.return_days * rng.uniform(0.85, 1.2, len(back))
        extra_user.append(user[back])
        extra_start.append(again)
        extra_end.append(again + rng.lognormal(np.log(45), 0.6, len(back)))
        extra_model.append(np.full(len(back), j))
    user = np.concatenate([user, *extra_user])
    start = np.concatenate([start, *extra_start])
    end = np.concatenate([end, *extra_end])
    model = np.concatenate([model, *extra_model])
    return arrival, user, start, end, model


def _assign(counts: np.ndarray, model: np.ndarray, start: np.ndarray, end: np.ndarray,
            weight: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Share each (day, model) request count among that model's active engagements."""
    engs, days = [], []
    for j in range(counts.shape[1]):
        mine = np.flatnonzero(model == j)
        if len(mine) == 0:
            continue
        s, e, w = start[mine], end[mine], weight[mine]
        for d in np.flatnonzero(counts[:, j]):
            n = int(counts[d, j])
            active = (s < d + 1) & (e > d)
            if active.any():
                p = w[active]
                got = rng.multinomial(n, p / p.sum())
                engs.append(np.repeat(mine[active], got))
            else:  # nobody scheduled: the nearest engagement stretches to cover the day
                gap = np.maximum(np.maximum(s - d - 1, d - e), 0)
                engs.append(np.full(n, mine[np.argmin(gap)]))
            days.append(np.full(n, d, dtype=np.int32))
    if not engs:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    return np.concatenate(engs), np.concatenate(days)


def _countries(plan: Plan, arrival: np.ndarray, weight: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """Countries by systematic allocation on expected tokens, Asia's weight rising with arrival."""
    share = np.array([c[1] for c in cal.COUNTRIES])
    asia = np.array([c in cal.ASIA for c in COUNTRY_CODES])
    x = np.clip(arrival / plan.days, 0, 1)
    buckets = np.minimum((x * 5).astype(int), 4)
    out = np.zeros(len(arrival), dtype=np.int64)
    lo_f, hi_f = cal.ASIA_TREND
    for b in range(5):
        members = rng.permutation(np.flatnonzero(buckets == b))
        if len(members) == 0:
            continue
        p = share * np.where(asia, lo_f + (hi_f - lo_f) * (b + 0.5) / 5, 1.0)
        cdf = np.cumsum(p / p.sum())
        w = weight[members] + 1e-9
        mid = (np.cumsum(w) - w / 2) / w.sum()
        out[members] = np.minimum(np.searchsorted(cdf, mid), len(cdf) - 1)
    return out


def build_population(plan: Plan, rows: int, n_users: int, seed: int,
                     rng: np.random.Generator) -> Population:
    """Accounts, engagements and the time-sorted request skeleton for ``rows`` requests."""
    days = plan.days
    spike_model = plan.index(cal.SPIKE_MODEL)
    spike_days = np.arange(plan.day_of(cal.day(cal.SPIKE_WEEK)),
                           plan.day_of(cal.day(cal.SPIKE_WEEK)) + 7)
    spike_days = spike_days[(spike_days >= 0) & (spike_days < days)]
    if spike_model is not None:
        spike_days = spike_days[spike_days >= plan.release[spike_model]]
    week_share = plan.volume[spike_days].sum() if spike_model is not None else 0.0
    n_spike = int(round(rows * cal.SPIKE_SHARE * week_share / (1 + cal.SPIKE_SHARE * week_share)))
    main = rows - n_spike

    cells = (plan.volume[:, None] * plan.request_p).ravel()
    counts = rng.multinomial(main, cells / cells.sum()).reshape(plan.request_p.shape)
    arrival, user, start, end, model = _engagements(plan, n_users, rng)
    for j in np.flatnonzero((counts.sum(axis=0) > 0) & ~np.isin(np.arange(len(plan.slugs)),
                                                                 model)):
        first = int(np.flatnonzero(counts[:, j])[0])  # every used model needs an adopter
        user = np.r_[user, rng.integers(n_users)]
        start, end, model = np.r_[start, first], np.r_[end, days + 1.0], np.r_[model, j]
    activity = rng.lognormal(0.0, cal.ACTIVITY_SIGMA, n_users)
    weight = activity[user] * rng.lognormal(0.0, 0.5, len(user))
    eng, day = _assign(counts, model, start, end, weight, rng)

    spike_eng = -1
    if n_spike:
        spike_eng = len(user)
        user = np.r_[user, n_users]
        model = np.r_[model, spike_model]
        eng = np.r_[eng, np.full(n_spike, spike_eng)]
        day = np.r_[day, rng.choice(spike_days, n_spike, p=plan.volume[spike_days]
                                    / plan.volume[spike_days].sum())].astype(np.int32)
    total_users = n_users + (1 if n_spike else 0)

    hourly = np.cumsum(cal.HOURLY) / sum(cal.HOURLY)
    hour = np.searchsorted(hourly, rng.random(len(eng)))
    ts = (_epoch_us(plan.start) + day.astype(np.int64) * DAY_US + hour * 3_600_000_000
          + rng.integers(0, 3_600_000_000, len(eng)))
    order = np.argsort(ts, kind="stable")
    ts, eng = ts[order], eng[order].astype(np.int32)
    day = day[order]

    tok_weight = np.bincount(user[eng], weights=plan.tok_mean[day, model[eng]],
                             minlength=total_users)
    country = _countries(plan, np.r_[arrival, 0.0][:total_users], tok_weight, rng)
    if n_spike:
        country[n_users] = COUNTRY_CODES.index("US")
    byok = rng.random(total_users) < cal.BYOK_USERS
    apps = np.full((total_users, 3), -1, dtype=np.int64)
    offset = 0
    has_app = rng.random(total_users) >= cal.NO_APP_USERS
    for k, kind in enumerate(KINDS):
        n = len(cal.APPS[kind])
        p = 1.0 / np.arange(1, n + 1) ** cal.APP_ZIPF
        apps[:, k] = np.where(has_app, offset + rng.choice(n, total_users, p=p / p.sum()), -1)
        offset += n
    if n_spike:
        byok[n_users] = False
        apps[n_users] = -1
    free = plan.free[model] & (rng.random(len(model)) < cal.FREE_VARIANT_P)
    return Population(
        user_names=ids.user_names(total_users, seed), user_country=country, user_byok=byok,
        user_apps=apps, eng_user=user.astype(np.int64), eng_model=model.astype(np.int64),
        eng_free=free, spike_eng=spike_eng, ts=ts, eng=eng,
    )
