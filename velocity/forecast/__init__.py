"""When the held funds come back (``velocity forecast``) and how far to trust it (``velocity backtest``).

history   the seller's orders and feedback, from SQL over the order table
policies  how held money comes back under each reserve policy
run       the forecast: the model's futures, the target, the release, what asking changes
backtest  rolling-origin checks of the forecast on the seller's own history
"""

from velocity.forecast.backtest import backtest
from velocity.forecast.policies import POLICIES
from velocity.forecast.run import Forecast, analyse, run

__all__ = ["POLICIES", "Forecast", "analyse", "backtest", "run"]
