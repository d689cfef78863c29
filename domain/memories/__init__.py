"""Bot memories and their audit trail: the ``Memory`` aggregate, its commands,
rules and public models.
"""
