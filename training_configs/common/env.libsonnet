// The variables every config reads. jointre_plugins gives each a default when it is imported
// (see jointre_plugins/__init__.py); set one in the environment to change it.
{
  data_dir: std.extVar('JOINTRE_DATA'),
  transformer: std.extVar('JOINTRE_TRANSFORMER'),
  transformer_dim: std.extVar('JOINTRE_TRANSFORMER_DIM'),
  epochs: std.extVar('JOINTRE_EPOCHS'),
  ace04_fold: std.extVar('JOINTRE_ACE04_FOLD'),
  offline_transformer: std.extVar('JOINTRE_OFFLINE_TRANSFORMER'),
}
