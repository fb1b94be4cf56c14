"""Numba kernels behind :mod:`flowscope.analytics.liquidity` (imported only when a book is built).

Book state: each side is a sorted array of prices with the best level *last* (bids ascending;
asks stored as negated prices, also ascending), so most updates, which land near the top,
shift few elements. Arrays double in size when full.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

SEQ_NONE = 0
SEQ_SPOT = 1
SEQ_FUTURES = 2


@numba.njit(cache=True, nogil=True)
def _upsert(px: Any, sz: Any, n: int, p: float, q: float) -> Any:  # pragma: no cover
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if px[mid] < p:
            lo = mid + 1
        else:
            hi = mid
    if lo < n and px[lo] == p:
        if q == 0.0:
            for j in range(lo, n - 1):
                px[j] = px[j + 1]
                sz[j] = sz[j + 1]
            return px, sz, n - 1
        sz[lo] = q
        return px, sz, n
    if q == 0.0:
        return px, sz, n
    if n == px.shape[0]:
        npx = np.empty(2 * n + 16)
        nsz = np.empty(2 * n + 16)
        npx[:n] = px[:n]
        nsz[:n] = sz[:n]
        px = npx
        sz = nsz
    for j in range(n, lo, -1):
        px[j] = px[j - 1]
        sz[j] = sz[j - 1]
    px[lo] = p
    sz[lo] = q
    return px, sz, n + 1


@numba.njit(cache=True, nogil=True)
def _emit(
    out_px: Any, out_sz: Any, k: int, px: Any, sz: Any, n: int, floor: float, sign: float
) -> None:  # pragma: no cover - compiled
    n_levels = out_px.shape[1]
    for j in range(min(n, n_levels)):
        v = px[n - 1 - j]
        if v < floor:
            break
        out_px[k, j] = sign * v
        out_sz[k, j] = sz[n - 1 - j]


@numba.njit(cache=True, nogil=True)
def replay_kernel(
    kind: Any,
    first: Any,
    last: Any,
    prev: Any,
    ts: Any,
    offsets: Any,
    side: Any,
    price: Any,
    size: Any,
    seq: int,
    sample_ts: Any,
    n_levels: int,
) -> Any:  # pragma: no cover - compiled
    """Replay messages; sample the top ``n_levels`` of each side at each ``sample_ts``."""
    m = kind.shape[0]
    s_count = sample_ts.shape[0]
    out_bp = np.full((s_count, n_levels), np.nan)
    out_bs = np.full((s_count, n_levels), np.nan)
    out_ap = np.full((s_count, n_levels), np.nan)
    out_as = np.full((s_count, n_levels), np.nan)
    out_synced = np.zeros(s_count, np.bool_)
    out_approx = np.zeros(s_count, np.bool_)
    out_msg = np.full(s_count, -1, np.int64)
    gap_msg = np.empty(m, np.int64)
    gap_exp = np.empty(m, np.int64)
    gap_got = np.empty(m, np.int64)
    n_gaps = 0
    n_stale = 0
    n_applied = 0
    cap = 1024
    bpx = np.empty(cap)
    bsz = np.empty(cap)
    apx = np.empty(cap)
    asz = np.empty(cap)
    nb = 0
    na = 0
    bfloor = -np.inf
    afloor = -np.inf
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
    while i < m or (replay_from >= 0 and replay_from < replay_to):
        if replay_from >= 0 and replay_from < replay_to:
            cur = replay_from
            replay_from += 1
            if replay_from == replay_to:
                replay_from = -1
        else:
            cur = i
            i += 1
            while k < s_count and sample_ts[k] < ts[cur]:
                _emit(out_bp, out_bs, k, bpx, bsz, nb, bfloor, 1.0)
                _emit(out_ap, out_as, k, apx, asz, na, afloor, -1.0)
                out_synced[k] = synced
                out_approx[k] = not have_snap
                out_msg[k] = cur - 1
                k += 1
        a = offsets[cur]
        b = offsets[cur + 1]
        if kind[cur] == 1:  # snapshot: replace the book
            nb = 0
            na = 0
            for r in range(a, b):
                if size[r] > 0.0:
                    if side[r] == 1:
                        bpx, bsz, nb = _upsert(bpx, bsz, nb, price[r], size[r])
                    else:
                        apx, asz, na = _upsert(apx, asz, na, -price[r], size[r])
            # levels beyond the snapshot's deepest one are unknown, even if a diff adds some
            bfloor = bpx[0] if nb > 0 else np.inf
            afloor = apx[0] if na > 0 else np.inf
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
            continue
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
        for r in range(a, b):
            if side[r] == 1:
                bpx, bsz, nb = _upsert(bpx, bsz, nb, price[r], size[r])
            else:
                apx, asz, na = _upsert(apx, asz, na, -price[r], size[r])
        n_applied += b - a
    while k < s_count:
        _emit(out_bp, out_bs, k, bpx, bsz, nb, bfloor, 1.0)
        _emit(out_ap, out_as, k, apx, asz, na, afloor, -1.0)
        out_synced[k] = synced
        out_approx[k] = not have_snap
        out_msg[k] = m - 1
        k += 1
    return (
        out_bp,
        out_bs,
        out_ap,
        out_as,
        out_synced,
        out_approx,
        out_msg,
        gap_msg[:n_gaps].copy(),
        gap_exp[:n_gaps].copy(),
        gap_got[:n_gaps].copy(),
        n_stale,
        n_applied,
    )


@numba.njit(cache=True, nogil=True)
def _side_walk(
    px: Any,
    sz: Any,
    r: int,
    ref: float,
    sign: float,
    pcts: Any,
    sizes: Any,
    d_base: Any,
    d_usd: Any,
    move: Any,
    slip: Any,
) -> None:  # pragma: no cover - compiled
    n_lv = px.shape[1]
    kk = pcts.shape[0]
    qq = sizes.shape[0]
    cum_b = 0.0
    cum_u = 0.0
    prev_p = np.nan
    prev_u = 0.0
    k = 0
    q = 0
    for j in range(n_lv):
        p = px[r, j]
        if np.isnan(p):
            break
        s = sz[r, j]
        u = p * s
        # sign = +1 for asks (band above ref), -1 for bids (band below ref)
        while k < kk and sign * (p - ref * (1.0 + sign * pcts[k])) > 0.0:
            d_base[r, k] = cum_b
            d_usd[r, k] = cum_u
            thr = ref * (1.0 + sign * pcts[k])
            move[r, k] = cum_u - prev_u if prev_p == thr else cum_u
            k += 1
        while q < qq and cum_u + u >= sizes[q]:
            avg = sizes[q] / (cum_b + (sizes[q] - cum_u) / p)
            slip[r, q] = sign * (avg - ref) / ref * 1e4
            q += 1
        cum_b += s
        cum_u += u
        prev_p = p
        prev_u = u
        if k == kk and q == qq:
            break


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
    for r in range(n):
        bb = bid_px[r, 0]
        ba = ask_px[r, 0]
        if np.isnan(bb) or np.isnan(ba):
            continue
        mid = 0.5 * (bb + ba)
        ref_b = mid if use_mid else bb
        ref_a = mid if use_mid else ba
        _side_walk(bid_px, bid_sz, r, ref_b, -1.0, pcts, sizes, db_b, db_u, mv_dn, sl_sell)
        _side_walk(ask_px, ask_sz, r, ref_a, 1.0, pcts, sizes, da_b, da_u, mv_up, sl_buy)
    return db_b, db_u, da_b, da_u, mv_dn, mv_up, sl_buy, sl_sell
