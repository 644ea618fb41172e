"""Who goes to school where in the synthetic county: pupils of villages, township and city schools.

Pupils are drawn so that both sides agree: every school's enrolment in a band is exactly the sum over the
villages whose pupils of that band attend it today. Village schools have 8-35 pupils, township schools
170-380 (before teaching points send them their grades 4-6), city schools are 85-98 % full. Every random draw
comes from the generator passed in, in a fixed order. Names with a leading underscore are private to
:mod:`consolidation.synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import box

from .geography import _Area, _city_sites, _distances, _neighbourhood_sites, _RuralVillages, _Sites


@dataclass(frozen=True)
class _Pupils:
    """Pupils living in each rural village, by band (integer counts, one entry a village)."""

    g13: np.ndarray
    g46: np.ndarray
    g79: np.ndarray


@dataclass(frozen=True)
class _Townships:
    """The township schools, one a valley (index ``k`` is valley ``k``).

    Attributes
    ----------
    seats : numpy.ndarray of int
        The seat village (and site) of each township school.
    nine : numpy.ndarray of bool
        True for a nine-year school, False for primary only.
    g79_school : numpy.ndarray of int
        Per valley, the township school its G7_9 pupils attend.
    pupils : numpy.ndarray, shape (n, 3)
        G1_3, G4_6 and G7_9 pupils of the villages attending each school (before teaching points
        send it their G4_6 pupils).
    """

    seats: np.ndarray
    nine: np.ndarray
    g79_school: np.ndarray
    pupils: np.ndarray


@dataclass(frozen=True)
class _City:
    """City schools in the urban north and their neighbourhoods.

    Attributes
    ----------
    xy : numpy.ndarray, shape (n, 2)
        School sites in metres, west to east.
    nine : numpy.ndarray of bool
        True for a nine-year school (every other one from the west), False for a primary.
    capacity : numpy.ndarray of int
        Places: 810 or 1,080.
    pupils : numpy.ndarray, shape (n, 3)
        G1_3, G4_6 and G7_9 pupils of each school.
    owner : numpy.ndarray of int
        Per neighbourhood, the city school its pupils attend.
    neighbourhood_xy : numpy.ndarray, shape (m, 2)
        Neighbourhood points in metres.
    neighbourhood_pupils : numpy.ndarray, shape (m, 3)
        G1_3, G4_6 and G7_9 pupils living in each neighbourhood.
    """

    xy: np.ndarray
    nine: np.ndarray
    capacity: np.ndarray
    pupils: np.ndarray
    owner: np.ndarray
    neighbourhood_xy: np.ndarray
    neighbourhood_pupils: np.ndarray


def _spread(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` pupils over places in proportion to ``weights`` (multinomial draw)."""
    return rng.multinomial(max(int(total), 0), weights / weights.sum())


def _village_school_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pupils (G1_3 and G4_6) of ``n`` village schools: 8-35 each, about 400 in all for 26 schools.

    Returns
    -------
    numpy.ndarray of int
        Gamma-distributed sizes, then nudged one pupil at a time until they add up to the target.
    """
    enrol = np.clip(np.round(8 + rng.gamma(1.6, 5.0, n)), 8, 35).astype(int)
    target = round(400 * n / 26)
    while enrol.sum() != target:
        step = np.sign(target - enrol.sum())
        room = np.flatnonzero((enrol + step >= 8) & (enrol + step <= 35))
        if not len(room):
            break
        enrol[rng.choice(room, min(len(room), abs(target - enrol.sum())), replace=False)] += step
    return enrol


def _village_school_pupils(enrol: np.ndarray, small: np.ndarray, attach: np.ndarray,
                           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Spread each village school's pupils over the villages attached to it.

    Parameters
    ----------
    enrol : numpy.ndarray of int
        Pupils (G1_3 and G4_6) of each village school, from :func:`_village_school_sizes`.
    small : numpy.ndarray of int
        The village schools' sites, in the order of ``enrol``.
    attach : numpy.ndarray of int
        Per rural village, its site.

    Returns
    -------
    g13, g46
        G1_3 and G4_6 pupils per rural village (50-62 % of a school's pupils in G1_3; the school's
        own village weighs 1, the others 0.2-0.8). Villages of township schools get none here.
    """
    g13, g46 = np.zeros(len(attach), dtype=int), np.zeros(len(attach), dtype=int)
    for e, site in zip(enrol, small):
        members = np.flatnonzero(attach == site)
        weights = np.where(members == site, 1.0, rng.uniform(0.2, 0.8, len(members)))
        first = int(round(e * rng.uniform(0.5, 0.62)))
        g13[members] += _spread(first, weights, rng)
        g46[members] += _spread(e - first, weights, rng)
    return g13, g46


def _rural_pupils(sites: _Sites, villages: _RuralVillages, rng: np.random.Generator) -> _Pupils:
    """Pupils of every rural village by band (township seats' own primary pupils come later).

    Parameters
    ----------
    sites : _Sites
        The school sites (village schools and township seats).
    villages : _RuralVillages
        The rural villages and the site each attends.

    Returns
    -------
    _Pupils
        Villages of a village school share its 8-35 pupils; other villages of a township school
        have 3 + Poisson(7) primary pupils; every village has 0-12 G7_9 pupils (about 0.45 per
        primary pupil; a township seat Poisson(8)).
    """
    attach = villages.attach
    n_rural = len(attach)
    small, towns = np.flatnonzero(~sites.town), np.flatnonzero(sites.town)
    enrol = _village_school_sizes(len(small), rng)
    g13, g46 = _village_school_pupils(enrol, small, attach, rng)
    near_town = np.isin(attach, towns) & ~np.isin(np.arange(n_rural), towns)
    primary = 3 + rng.poisson(7, n_rural)
    first = rng.binomial(primary, 0.55)
    g13[near_town], g46[near_town] = first[near_town], (primary - first)[near_town]
    g79 = np.minimum(rng.poisson(0.45 * (g13 + g46) * rng.uniform(0.7, 1.3, n_rural) + 0.5), 12)
    g79[towns] = np.minimum(rng.poisson(8, len(towns)), 12)
    return _Pupils(g13=g13, g46=g46, g79=g79)


def _township_schools(sites: _Sites, villages: _RuralVillages, pupils: _Pupils,
                      rng: np.random.Generator) -> tuple[_Townships, _Pupils]:
    """Township schools: which are nine-year, who they teach, and their seat villages' pupils.

    Parameters
    ----------
    sites : _Sites
        The school sites; township seats are those with ``town``.
    villages : _RuralVillages
        The rural villages and the site each attends.
    pupils : _Pupils
        Rural pupils so far (a seat village has no primary pupils yet).

    Returns
    -------
    townships, pupils
        All but one township school (all if fewer than 3) are nine-year; a primary one's valley
        sends G7_9 to the nearest nine-year seat. Each school totals 170-380 pupils (its seat
        village at least 60 primary pupils), which sets the seat village's G1_3 and G4_6 in the
        returned pupils.
    """
    towns = np.flatnonzero(sites.town)
    n_val = len(towns)
    xy, attach = villages.xy, villages.attach
    nine = np.zeros(n_val, dtype=bool)
    nine[rng.permutation(n_val)[: n_val if n_val < 3 else n_val - 1]] = True
    seat_gap = np.where(nine[None, :], _distances(xy[towns], xy[towns]), np.inf)
    g79_school = np.where(nine, np.arange(n_val), np.argmin(seat_gap, axis=1))
    town_total = rng.integers(170, 381, n_val)
    g13, g46, g79 = pupils.g13.copy(), pupils.g46.copy(), pupils.g79
    town_pupils = np.zeros((n_val, 3), dtype=int)
    for k, seat in enumerate(towns):
        members = np.flatnonzero(attach == seat)
        others = int((g13[members] + g46[members]).sum())  # the seat has none yet
        valleys = np.flatnonzero(g79_school == k)
        own79 = int(g79[np.isin(villages.valley, valleys)].sum()) if nine[k] else 0
        seat_primary = max(int(town_total[k]) - own79 - others, 60)
        g13[seat] = rng.binomial(seat_primary, 0.55)
        g46[seat] = seat_primary - g13[seat]
        town_pupils[k] = g13[members].sum(), g46[members].sum(), own79
    townships = _Townships(seats=towns, nine=nine, g79_school=g79_school, pupils=town_pupils)
    return townships, _Pupils(g13=g13, g46=g46, g79=g79)


def _city_enrolment(nine: np.ndarray, total: np.ndarray, owner: np.ndarray,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Pupils of each city school by band, and of each neighbourhood, so that both sides agree.

    Parameters
    ----------
    nine : numpy.ndarray of bool
        Which city schools are nine-year.
    total : numpy.ndarray of int
        Pupils of each city school (all bands).
    owner : numpy.ndarray of int
        Per neighbourhood, its city school.

    Returns
    -------
    school_pupils, neighbourhood_pupils
        Arrays of G1_3, G4_6 and G7_9 pupils, shapes (schools, 3) and (neighbourhoods, 3). A
        primary's neighbourhoods have G7_9 pupils (30-40 % of its total) who attend the nine-year
        school west of it; a nine-year school has 29-33 % G7_9, including those.
    """
    n_pupils = np.zeros((len(owner), 3), dtype=int)
    c_pupils = np.zeros((len(nine), 3), dtype=int)
    incoming = np.zeros(len(nine), dtype=int)
    for j in list(np.flatnonzero(~nine)) + list(np.flatnonzero(nine)):  # primaries first
        members = np.flatnonzero(owner == j)
        weights = rng.uniform(0.5, 1.5, len(members))
        if nine[j]:
            g79_j = max(round(total[j] * rng.uniform(0.29, 0.33)), incoming[j] + total[j] // 20)
            n_pupils[members, 2] = _spread(g79_j - incoming[j], weights, rng)
        else:
            g79_j = 0
            n_pupils[members, 2] = _spread(round(total[j] * rng.uniform(0.3, 0.4)), weights, rng)
            incoming[j - 1] += n_pupils[members, 2].sum()
        first = round((total[j] - g79_j) * rng.uniform(0.5, 0.55))
        c_pupils[j] = first, total[j] - g79_j - first, g79_j
        n_pupils[members, 0] = _spread(c_pupils[j, 0], weights, rng)
        n_pupils[members, 1] = _spread(c_pupils[j, 1], weights, rng)
    return c_pupils, n_pupils


def _city_schools(area: _Area, n_city: int, n_neigh: int, rng: np.random.Generator) -> _City:
    """City schools in the urban north (the top 19 % less 300 m), and their neighbourhoods.

    Parameters
    ----------
    area : _Area
        The county in metres.
    n_city : int
        City schools.
    n_neigh : int
        Neighbourhoods: one per school, the rest attached to schools at random.

    Returns
    -------
    _City
        Alternately nine-year (1,080 places) and primary (810 or 1,080) from west to east, each
        85-98 % full, with neighbourhoods 300-900 m away holding exactly their pupils.
    """
    x0, _, x1, y1 = area.bounds
    urban = area.inset.intersection(box(x0, area.y_urban + 300, x1, y1))
    c_xy = _city_sites(urban if not urban.is_empty else area.inset, n_city, rng)
    c_nine = np.arange(n_city) % 2 == 0
    c_cap = np.where(c_nine, 1080, rng.choice([810, 1080], n_city))
    c_total = np.round(c_cap * rng.uniform(0.85, 0.98, n_city)).astype(int)
    owner = np.concatenate([np.arange(n_city), rng.integers(0, max(n_city, 1), n_neigh - n_city)])
    n_xy = _neighbourhood_sites(c_xy, owner, area.safe, rng)
    c_pupils, n_pupils = _city_enrolment(c_nine, c_total, owner, rng)
    return _City(xy=c_xy, nine=c_nine, capacity=c_cap, pupils=c_pupils, owner=owner,
                 neighbourhood_xy=n_xy, neighbourhood_pupils=n_pupils)
