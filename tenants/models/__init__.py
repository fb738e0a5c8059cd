from .geography import Comune, Domain, Ente, Regione, Zona
from .jobs import Job
from .users import Membership, User

__all__ = ["Comune", "Domain", "Ente", "Job", "Membership", "Regione", "User", "Zona"]
