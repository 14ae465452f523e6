from jointre_plugins.models.joint_extraction_model import (
    EmbeddedWords,
    Extraction,
    JointBatch,
    JointExtractionModel,
)
from jointre_plugins.models.table_filling import TableFillingModel
