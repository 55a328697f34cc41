"""The asset ledger (资产台账): the court's estate as one CSV row per device.

``schema`` names the columns and allowed values, ``plan`` the address plan (sites, one subnet
per zone and site, courtrooms), ``validate`` reads and checks a ledger and returns assets plus
every problem found, each naming its file and line.
"""

from courtops.ledger.plan import AddressPlan, load_plan
from courtops.ledger.validate import Asset, LedgerError, LedgerResult, read_ledger

__all__ = ["AddressPlan", "Asset", "LedgerError", "LedgerResult", "load_plan", "read_ledger"]
