"""swift-conductor compatible names for the Conductor worker SDK.

Code written for ``swift-conductor-client`` imports from ``swift_conductor``. Every module in
this package re-exports the matching ``conductor.client`` object, so both spellings refer to the
same classes: a ``WorkerAbc`` is a ``WorkerInterface``, a ``WorkerHost`` is a ``TaskHandler``.
"""
