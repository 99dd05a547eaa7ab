package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.observability.CallStatus;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deadline arithmetic both the direct and the approved call path use, and the rows' statuses by refusal. */
class CallDeadlineTest {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void remaining_noClientDeadline_isTheToolTimeout() {
        CallDeadline d = CallDeadline.startingNow(Optional.empty(), Duration.ofMillis(200));

        assertThat(d.remaining(TOOL_TIMEOUT)).isEqualTo(TOOL_TIMEOUT);
        assertThat(CallDeadline.tooShort(d.remaining(TOOL_TIMEOUT))).isFalse();
    }

    @Test
    void remaining_clientDeadlineFarAway_isCappedByTheToolTimeout() {
        CallDeadline d = CallDeadline.startingNow(Optional.of(Duration.ofHours(1)), Duration.ofMillis(200));

        assertThat(d.remaining(TOOL_TIMEOUT)).isEqualTo(TOOL_TIMEOUT);
    }

    @Test
    void remaining_clientDeadlineNearer_isLessThanItByTheMargin() {
        CallDeadline d = CallDeadline.startingNow(Optional.of(Duration.ofSeconds(10)), Duration.ofSeconds(2));

        assertThat(d.remaining(TOOL_TIMEOUT)).isLessThanOrEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void remaining_clientDeadlineWithinTheMargin_isTooShort() {
        CallDeadline d = CallDeadline.startingNow(Optional.of(Duration.ofMillis(100)), Duration.ofMillis(200));

        assertThat(d.remaining(TOOL_TIMEOUT)).isNegative();
        assertThat(CallDeadline.tooShort(d.remaining(TOOL_TIMEOUT))).isTrue();
    }

    @Test
    void constructor_nullMargin_throwsNpe() {
        assertThatThrownBy(() -> new CallDeadline(0, Long.MAX_VALUE, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("margin");
    }

    @Test
    void status_refusalsOfParsersAndExecutors_followTheErrorCode_othersAreFixed() {
        assertThat(Refusal.NOT_PREPARABLE.status(ErrorCode.INVALID_ARGUMENT)).isEqualTo(CallStatus.INVALID_ARGUMENTS);
        assertThat(Refusal.NOT_PREPARABLE.status(ErrorCode.PERMISSION_DENIED)).isEqualTo(CallStatus.DENIED);
        assertThat(Refusal.NOT_PREPARABLE.status(ErrorCode.FAILED_PRECONDITION)).isEqualTo(CallStatus.FAILED);
        assertThat(Refusal.UNREADABLE_ARGUMENTS.status(ErrorCode.INVALID_ARGUMENT))
                .isEqualTo(CallStatus.INVALID_ARGUMENTS);
        assertThat(Refusal.DEADLINE_TOO_SHORT.status(ErrorCode.INVALID_ARGUMENT)).isEqualTo(CallStatus.TIMEOUT);
        assertThat(Refusal.CALL_ID_CONFLICT.status(ErrorCode.ABORTED)).isEqualTo(CallStatus.DUPLICATE_CALL_ID);
    }
}
