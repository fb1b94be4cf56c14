"""Numba kernels behind :mod:`flowscope.analytics.liquidity` (imported only when a book is built).

Book state: each side is a dense array of sizes indexed by price tick, so an update is one
write; the best level is tracked and, when it empties, found again by scanning to the next live
cell (a few ticks near the top of a real book).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

SEQ_NONE = 0
SEQ_SPOT = 1
SEQ_FUTURES = 2


@numba.njit(cache=True, nogil=True)
def to_ticks(price: Any, scale: float) -> Any:  # pragma: no cover - compiled
    """``price * scale`` as int64 ticks, and whether every price was within rounding of one."""
    out = np.empty(price.shape[0], np.int64)
    for i in range(price.shape[0]):
        x = price[i] * scale
        r = np.rint(x)
        if not abs(x - r) <= 1e-9 * abs(x) + 1e-9:
            return out, False
        out[i] = np.int64(r)
    return out, True


@numba.njit(cache=True, nogil=True)
def _emit(
    out_px: Any,
    out_sz: Any,
    k: int,
    grid: Any,
    best: int,
    stop: int,
    step: int,
    base: int,
    scale: float,
) -> None:  # pragma: no cover - compiled
    # walk from the best cell towards ``stop`` (inclusive) by ``step``, keeping live levels
    n_levels = out_px.shape[1]
    w = 0
    j = best
    while w < n_levels and (j - stop) * step <= 0:
        if grid[j] > 0.0:
            out_px[k, w] = (base + j) / scale
            out_sz[k, w] = grid[j]
            w += 1
        j += step


@numba.njit(cache=True, nogil=True)
def _clear(grid: Any, lo: int, hi: int) -> None:  # pragma: no cover - compiled
    for j in range(max(lo, 0), min(hi + 1, grid.shape[0])):
        grid[j] = 0.0


@numba.njit(cache=True, nogil=True)
def replay_kernel(
    kind: Any,
    first: Any,
    last: Any,
    prev: Any,
    ts: Any,
    offsets: Any,
    side: Any,
    tick: Any,
    size: Any,
    seq: int,
    sample_ts: Any,
    n_levels: int,
    scale: float,
    width: int,
) -> Any:  # pragma: no cover - compiled
    """Replay messages; sample the top ``n_levels`` of each side at each ``sample_ts``.

    Each side is a dense array of sizes indexed by price tick (``tick`` = price x ``scale``)
    minus ``base``, ``width`` cells wide, centred on the best bid at each snapshot. Levels
    outside the window are counted, not stored.
    """
    m = kind.shape[0]
    s_count = sample_ts.shape[0]
    out_bp = np.full((s_count, n_levels), np.nan)
    out_bs = np.full((s_count, n_levels), np.nan)
    out_ap = np.full((s_count, n_levels), np.nan)
    out_as = np.full((s_count, n_levels), np.nan)
    out_synced = np.zeros(s_count, np.bool_)
    out_approx = np.zeros(s_count, np.bool_)
    gap_msg = np.empty(m, np.int64)
    gap_exp = np.empty(m, np.int64)
    gap_got = np.empty(m, np.int64)
    n_gaps = 0
    n_stale = 0
    n_applied = 0
    n_outside = 0
    bgrid = np.zeros(width)
    agrid = np.zeros(width)
    base = 0
    based = False
    bbest = -1  # best bid cell (-1: no bid)
    abest = width  # best ask cell (width: no ask)
    blive = 0
    alive = 0
    blo = width  # lowest bid cell set since the last clear
    ahi = -1  # highest ask cell set since the last clear
    bfloor = 0  # deepest bid cell a snapshot vouches for
    aceil = width - 1
    have_snap = False
    synced = False
    awaiting = False
    lid = -1
    prev_u = -1
    have_prev = False
    last_snap = -1
    k = 0
    i = 0
    replay_from = -1
    replay_to = -1
    while i < m or replay_from >= 0:
        if replay_from >= 0:
            cur = replay_from
            replay_from += 1
            if replay_from == replay_to:
                replay_from = -1
        else:
            cur = i
            i += 1
            while k < s_count and sample_ts[k] < ts[cur]:
                if bbest >= 0:
                    _emit(out_bp, out_bs, k, bgrid, bbest, bfloor, -1, base, scale)
                if abest < width:
                    _emit(out_ap, out_as, k, agrid, abest, aceil, 1, base, scale)
                out_synced[k] = synced
                out_approx[k] = not have_snap
                k += 1
        a = offsets[cur]
        b = offsets[cur + 1]
        if kind[cur] == 1:  # snapshot: replace the book, re-centred on its best bid
            _clear(bgrid, blo, bbest)
            _clear(agrid, abest, ahi)
            bbest, abest, blive, alive, blo, ahi = -1, width, 0, 0, width, -1
            top = -1
            for r in range(a, b):
                if side[r] == 1 and size[r] > 0.0 and (top < 0 or tick[r] > top):
                    top = tick[r]
            if top < 0:
                for r in range(a, b):
                    if size[r] > 0.0 and (top < 0 or tick[r] < top):
                        top = tick[r]
            if top >= 0:
                base = top - width // 2
                based = True
        elif not based and b > a:
            base = tick[a] - width // 2
            based = True
        if kind[cur] == 0:
            if seq == SEQ_SPOT:
                if awaiting:
                    if last[cur] <= lid:
                        n_stale += 1
                        continue
                    awaiting = False
                    if not (first[cur] <= lid + 1 <= last[cur]):
                        gap_msg[n_gaps] = cur
                        gap_exp[n_gaps] = lid + 1
                        gap_got[n_gaps] = first[cur]
                        n_gaps += 1
                        synced = False
                elif have_prev and first[cur] != prev_u + 1:
                    gap_msg[n_gaps] = cur
                    gap_exp[n_gaps] = prev_u + 1
                    gap_got[n_gaps] = first[cur]
                    n_gaps += 1
                    synced = False
            elif seq == SEQ_FUTURES:
                if awaiting:
                    if last[cur] < lid:
                        n_stale += 1
                        continue
                    awaiting = False
                    if not (first[cur] <= lid <= last[cur]):
                        gap_msg[n_gaps] = cur
                        gap_exp[n_gaps] = lid
                        gap_got[n_gaps] = first[cur]
                        n_gaps += 1
                        synced = False
                elif have_prev and prev[cur] != prev_u:
                    gap_msg[n_gaps] = cur
                    gap_exp[n_gaps] = prev_u
                    gap_got[n_gaps] = prev[cur]
                    n_gaps += 1
                    synced = False
            prev_u = last[cur]
            have_prev = True
            n_applied += b - a
        for r in range(a, b):
            j = tick[r] - base
            q = size[r]
            if j < 0 or j >= width:
                n_outside += 1
                continue
            if side[r] == 1:
                old = bgrid[j]
                bgrid[j] = q
                if q > 0.0:
                    if old == 0.0:
                        blive += 1
                    if j > bbest:
                        bbest = j
                    if j < blo:
                        blo = j
                elif old > 0.0:
                    blive -= 1
                    if j == bbest:
                        if blive == 0:
                            bbest = -1
                        else:
                            while bgrid[bbest] == 0.0:
                                bbest -= 1
            else:
                old = agrid[j]
                agrid[j] = q
                if q > 0.0:
                    if old == 0.0:
                        alive += 1
                    if j < abest:
                        abest = j
                    if j > ahi:
                        ahi = j
                elif old > 0.0:
                    alive -= 1
                    if j == abest:
                        if alive == 0:
                            abest = width
                        else:
                            while agrid[abest] == 0.0:
                                abest += 1
        if kind[cur] == 1:
            # levels beyond the snapshot's deepest one are unknown, even if a diff adds some
            bfloor = blo if blive > 0 else width
            aceil = ahi if alive > 0 else -1
            have_snap = True
            synced = True
            lid = last[cur]
            awaiting = seq != SEQ_NONE
            have_prev = False
            if seq != SEQ_NONE:
                # diffs received before the snapshot but newer than it are applied after it
                j0 = cur
                while j0 - 1 > last_snap and kind[j0 - 1] == 0 and last[j0 - 1] > lid:
                    j0 -= 1
                if j0 < cur:
                    replay_from = j0
                    replay_to = cur
            last_snap = cur
    while k < s_count:
        if bbest >= 0:
            _emit(out_bp, out_bs, k, bgrid, bbest, bfloor, -1, base, scale)
        if abest < width:
            _emit(out_ap, out_as, k, agrid, abest, aceil, 1, base, scale)
        out_synced[k] = synced
        out_approx[k] = not have_snap
        k += 1
    return (
        out_bp,
        out_bs,
        out_ap,
        out_as,
        out_synced,
        out_approx,
        gap_msg[:n_gaps].copy(),
        gap_exp[:n_gaps].copy(),
        gap_got[:n_gaps].copy(),
        n_stale,
        n_applied,
        n_outside,
    )


@numba.njit(cache=True, nogil=True)
def _side_walk(
    px: Any,
    sz: Any,
    r: int,
    ref: float,
    sign: float,
    thr: Any,
    sizes: Any,
    d_base: Any,
    d_usd: Any,
    move: Any,
    slip: Any,
) -> None:  # pragma: no cover - compiled
    # sign = +1 for asks (bands above ref), -1 for bids (bands below ref); thr holds the
    # band limits ref * (1 + sign * x), nearest first. Sentinels end each search.
    n_lv = px.shape[1]
    kk = thr.shape[0]
    qq = sizes.shape[0]
    cum_b = 0.0
    cum_u = 0.0
    prev_p = np.nan
    prev_u = 0.0
    k = 0
    q = 0
    next_thr = thr[0] if kk > 0 else sign * np.inf
    next_q = sizes[0] if qq > 0 else np.inf
    for j in range(n_lv):
        p = px[r, j]
        if p != p:
            break
        if sign * (p - next_thr) > 0.0:
            while k < kk and sign * (p - thr[k]) > 0.0:
                d_base[r, k] = cum_b
                d_usd[r, k] = cum_u
                move[r, k] = cum_u - prev_u if prev_p == thr[k] else cum_u
                k += 1
            next_thr = thr[k] if k < kk else sign * np.inf
            if k == kk and q == qq:
                return
        s = sz[r, j]
        u = p * s
        if cum_u + u >= next_q:
            while q < qq and cum_u + u >= sizes[q]:
                avg = sizes[q] / (cum_b + (sizes[q] - cum_u) / p)
                slip[r, q] = sign * (avg - ref) / ref * 1e4
                q += 1
            next_q = sizes[q] if q < qq else np.inf
        cum_b += s
        cum_u += u
        prev_p = p
        prev_u = u


@numba.njit(cache=True, nogil=True)
def metrics_kernel(
    bid_px: Any,
    bid_sz: Any,
    ask_px: Any,
    ask_sz: Any,
    use_mid: bool,
    pcts: Any,
    sizes: Any,
) -> Any:  # pragma: no cover - compiled
    """Depth, move cost and slippage per row of N x L books (best level first, NaN-padded)."""
    n = bid_px.shape[0]
    kk = pcts.shape[0]
    qq = sizes.shape[0]
    db_b = np.full((n, kk), np.nan)
    db_u = np.full((n, kk), np.nan)
    da_b = np.full((n, kk), np.nan)
    da_u = np.full((n, kk), np.nan)
    mv_dn = np.full((n, kk), np.nan)
    mv_up = np.full((n, kk), np.nan)
    sl_buy = np.full((n, qq), np.nan)
    sl_sell = np.full((n, qq), np.nan)
    thr_b = np.empty(kk)
    thr_a = np.empty(kk)
    for r in range(n):
        bb = bid_px[r, 0]
        ba = ask_px[r, 0]
        if np.isnan(bb) or np.isnan(ba):
            continue
        mid = 0.5 * (bb + ba)
        ref_b = mid if use_mid else bb
        ref_a = mid if use_mid else ba
        for k in range(kk):
            thr_b[k] = ref_b * (1.0 - pcts[k])
            thr_a[k] = ref_a * (1.0 + pcts[k])
        _side_walk(bid_px, bid_sz, r, ref_b, -1.0, thr_b, sizes, db_b, db_u, mv_dn, sl_sell)
        _side_walk(ask_px, ask_sz, r, ref_a, 1.0, thr_a, sizes, da_b, da_u, mv_up, sl_buy)
    return db_b, db_u, da_b, da_u, mv_dn, mv_up, sl_buy, sl_sell
