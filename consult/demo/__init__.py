"""Demo content: the Global AI Governance Initiative text and synthetic participants.

Pure Python and numpy: nothing here imports Flask or the database; ``flask seed-demo``
turns these objects into rows.
"""
