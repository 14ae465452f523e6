from jointre_plugins.data.dataset_readers import *  # noqa: F401,F403
from jointre_plugins.data.joint_metadata_field import JointMetadataField
from jointre_plugins.data.structures import CorpusFormatError, Entity, Relation, Sentence, UnplacedRelation
