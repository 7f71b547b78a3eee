"""libcst codemods used by migrator; each is also a ``libcst.codemod.CodemodCommand``."""
