"""Renderings of a plan for other tools: SARIF, GitHub Actions workflow commands, the HTML dashboard."""
