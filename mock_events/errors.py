"""The error a simulated operation answers with, as AWS sends it."""

from __future__ import annotations

import unittest


class ServiceError(Exception):
    """An AWS error response: ``code`` becomes ``Error.Code``, ``message`` ``Error.Message``."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def already_exists(message: str) -> ServiceError:
    return ServiceError("ResourceAlreadyExistsException", message)


def limit_exceeded() -> ServiceError:
    return ServiceError(
        "LimitExceededException", "The requested resource exceeds the maximum number allowed."
    )


def bus_not_found(name: str) -> ServiceError:
    return not_found(f"Event bus {name} does not exist.")


class MockMisuseError(RuntimeError):
    """A test used the mock in a way it cannot honour (e.g. moving the clock from a callback of a
    scheduled delivery). Raised from a callback, it fails the test, never the target: taken as a
    target failure it would be retried and hidden in ``failures()``."""


def is_test_failure(error: BaseException) -> bool:
    """Whether ``error``, raised by a test's callback, fails the test rather than the target.

    An ``AssertionError`` (what ``assert`` and unittest's ``fail()`` raise), unittest's
    ``SkipTest``, and every ``BaseException`` that is not an ``Exception`` (pytest's ``fail()``,
    ``skip()`` and ``xfail()`` outcomes, ``KeyboardInterrupt``, ``SystemExit``) is never taken
    as a target failure: it propagates out of the call that made the delivery. Neither is the
    mock's own ``MockMisuseError``.
    """
    return isinstance(error, _TEST_OUTCOMES) or not isinstance(error, Exception)


_TEST_OUTCOMES = (AssertionError, unittest.SkipTest, MockMisuseError)


def invalid_arn(arn: str) -> ServiceError:
    """AWS's refusal of an ARN it cannot use (not an ARN, or of no kind the operation takes)."""
    return validation(f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format.")
