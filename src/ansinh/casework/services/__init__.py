"""Writes of the casework app: petitions (``petitions``) and inspections (``inspections``)."""
