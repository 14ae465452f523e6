"""AllenNLP subcommands of the reproduction harness: `grid`, `leaderboard`, `error-analysis`."""
import jointre_plugins.commands.error_analysis
import jointre_plugins.commands.grid
import jointre_plugins.commands.leaderboard
