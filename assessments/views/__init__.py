"""The assessment pages, one module per area: planning (list, new), workspace (questions,
answers, evidence), findings (findings, corrective actions, minor clusters) and review (steps,
signatures, the reviewer's page); offline serves the workspace's service worker."""
