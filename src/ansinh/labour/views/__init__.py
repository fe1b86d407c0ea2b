"""Thin views of the labour app: bind input (``core.params``, forms), call one selector or service, render.
``market`` (supply, demand, placements, fairs, indicators), ``vocational`` (institutions to supports),
``files`` (the uploads of the shared import lifecycle)."""
