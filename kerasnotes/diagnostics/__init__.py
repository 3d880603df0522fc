"""Diagnostics: gradient checking (`gradient_check`).

Per-layer gradient norms during training are in
`kerasnotes.callbacks.GradientMonitor`.
"""

from kerasnotes.diagnostics._gradient_check import gradient_check

__all__ = ["gradient_check"]
