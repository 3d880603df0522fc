"""Helpers shared by every layer of the package: argument checks
(`validation`), backend-neutral differentiation (`autodiff`) and the error
type of the package's own input checks (`errors`). Nothing here is public."""
