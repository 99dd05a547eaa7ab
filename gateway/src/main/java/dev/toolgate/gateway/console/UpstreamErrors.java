package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * An integration's health as the audit trail shows it: its most recent upstream failure (an error
 * status, a timeout, an unreachable upstream) of the last {@link #WINDOW}, from the tenant's call rows.
 * A page that cannot read it shows none. Thread-safe.
 */
@Singleton
class UpstreamErrors {
    static final Duration WINDOW = Duration.ofHours(24);
    private static final String LAST = """
            SELECT tool_name, status, upstream_status, error, started_at FROM tool_calls
            WHERE tenant_id = ? AND started_at >= ? AND tool_name LIKE ? ESCAPE '!'
              AND status IN ('UPSTREAM_ERROR', 'TIMEOUT', 'UPSTREAM_UNAVAILABLE')
            ORDER BY started_at DESC LIMIT 1""";

    private final DataSource dataSource;
    private final Clock clock;

    UpstreamErrors(DataSource dataSource, Clock clock) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.clock = requireNonNull(clock, "clock");
    }

    /** The last upstream failure of one integration. */
    record Failure(String tool, String status, int upstreamStatus, String error, Instant at) {
        String describe() {
            return status + (upstreamStatus != 0 ? " " + upstreamStatus : "") + " on " + tool + " at " + at
                    + (error.isEmpty() ? "" : ": " + (error.length() > 200 ? error.substring(0, 200) + "…" : error));
        }
    }

    Optional<Failure> last(String tenant, String integration) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LAST)) {
            ps.setString(1, tenant);
            ps.setTimestamp(2, Timestamp.from(clock.instant().minus(WINDOW)));
            ps.setString(3, integration.replace("!", "!!").replace("%", "!%").replace("_", "!_") + ".%");
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Failure(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()));
            }
        } catch (SQLException e) {
            return Optional.empty(); // the page still shows the rest; the audit pages report storage trouble
        }
    }
}
