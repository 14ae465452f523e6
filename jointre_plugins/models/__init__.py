from jointre_plugins.models.bioes_word_pair import BioesWordPairModel
from jointre_plugins.models.cascade_span_extraction import CascadeSpanExtractionModel
from jointre_plugins.models.crf_pair_scoring import CrfPairScoringModel
from jointre_plugins.models.joint_extraction_model import (
    EmbeddedWords,
    Extraction,
    JointBatch,
    JointExtractionModel,
)
from jointre_plugins.models.span_classification import SpanClassificationModel
from jointre_plugins.models.table_filling import TableFillingModel
