"""Test isolation: every process-wide singleton and shared cache starts empty."""

from accounts.audit.log import AuditLog
from accounts.permissions import PermissionRegistry, clear_revocations
from analytics.tracking import events
from analytics.tracking.metrics import MetricsRegistry
from billing.engines import forget_engines
from core.config.settings import get_settings
from core.db.repository import InMemoryRepository
from core.engine.factory import get_engine_factory
from core.events.bus import EventBus
from core.utils.cache import clear_memo


def pytest_runtest_setup(item):
    get_settings.cache_clear()
    get_engine_factory.cache_clear()
    EventBus.reset()
    MetricsRegistry.reset()
    AuditLog.reset()
    PermissionRegistry.reset()
    clear_revocations()
    InMemoryRepository.reset_all()
    forget_engines()
    clear_memo()
    events.flush()
