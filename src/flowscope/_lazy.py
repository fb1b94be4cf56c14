"""Modules loaded on first attribute access, so that ``flowscope --help`` stays fast.

Use it for heavy third-party modules whose names are used throughout a module::

    if TYPE_CHECKING:
        import pandas as pd
    else:
        pd = lazy_module("pandas")

Type checkers see the real import; at run time ``pandas`` is imported the first time an
attribute such as ``pd.DataFrame`` is looked up.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

__all__ = ["lazy_module"]


class _LazyModule(types.ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lazy_target"] = name

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self.__dict__["_lazy_target"])
        value = getattr(module, attr)
        self.__dict__[attr] = value
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_target']!r}>"


def lazy_module(name: str) -> types.ModuleType:
    """A stand-in for module ``name`` that imports it on the first attribute access."""
    return _LazyModule(name)
