"""Built-in file formats; importing this package registers them.

One module per provider / family. Each module registers its formats at import.
"""

from flowscope.sources.formats import (  # noqa: F401
    artemis,
    farside,
    fed_futures,
    fedwatch_tool,
    fomc_calendar,
    fomc_text,
    fred,
    prediction_markets,
    prices,
)

# isort: split
# Registered last, so that a provider's own layout wins over the generic canonical one.
from flowscope.sources.formats import canonical  # noqa: F401
