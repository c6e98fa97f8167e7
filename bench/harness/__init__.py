"""bench/run.sh's orchestration: processes on 127.0.0.1, bounded loads, results as Markdown and JSON."""
