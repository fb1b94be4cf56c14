"""Liquidity analytics: how much money it takes to move the price, and when the market thins.

Modules
-------
``impact``    square-root market-impact model, Amihud illiquidity and the Corwin–Schultz
              spread from daily bars; Christmas window vs a normal December week per year.
``thinning``  order-book depth and slippage by hour of week and in holiday windows.
"""
