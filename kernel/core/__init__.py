"""The project's lowest layer: the domain-error vocabulary that every other package speaks.

It imports no app, so ``geo`` (which validates coordinates and geometries with German field messages)
and the case kernel can both raise the same errors that the interfaces render.
"""
