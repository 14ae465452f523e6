"""AllenNLP subcommands of the reproduction harness: `grid`, `leaderboard`, `error-analysis`."""
import jointre_plugins.commands.grid
