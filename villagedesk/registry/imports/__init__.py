"""Importing household ledgers: read a workbook, map its columns, normalise, validate, write.

Each step is a module of its own so that the command, the background task and the bench run the
very same engine (`engine.run_import`).
"""
