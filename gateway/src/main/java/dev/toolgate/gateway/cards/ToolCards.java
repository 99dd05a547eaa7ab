package dev.toolgate.gateway.cards;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.ExpiringCache;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.Redactor;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tool cards: their declarations ({@code tool_cards}, cached for {@link #CACHE_TTL}, so a change
 * made through another instance shows within that time) and the card of one call. Thread-safe.
 */
@Singleton
public class ToolCards {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCards.class);
    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final Pattern ICON = Pattern.compile("[a-z0-9-]{1,64}");
    private static final int MAX_RESULT_CHARS = 120;
    /**
     * How much of the redacted result the summary is made from: only its head is redacted for the card
     * (a large result is not read whole on the call path). Runs of blanks shrink to one space, so the
     * head is larger than the summary; a result whose first 2,048 chars hold fewer than 120 others
     * (a long run of spaces) gets a shorter summary, still marked as cut.
     */
    private static final int SUMMARY_SOURCE_CHARS = 2_048;
    private static final int MAX_TITLE_CHARS = 200;
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]+");

    /** What an admin declared for a tool. */
    public record Declared(String title, String icon, Narration narration) {
    }

    /** The card of one call, every text escaped. */
    public record Card(String title, String icon, String narration, CallStatus status, String resultSummary) {
    }

    private final DataSource dataSource;
    private final Redactor redactor;
    private final Clock clock;
    private final ExpiringCache<String, Optional<Declared>> cache;

    public ToolCards(DataSource dataSource, Redactor redactor, Clock clock) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.redactor = requireNonNull(redactor, "redactor");
        this.clock = requireNonNull(clock, "clock");
        this.cache = new ExpiringCache<>(CACHE_TTL, 100_000, System::nanoTime);
    }

    /**
     * Sets (or, all empty, removes) the card of {@code tool}.
     *
     * @throws GatewayException INVALID_ARGUMENT for a bad title, icon or narration template
     */
    public void put(String tenantId, String tool, String title, String icon, String narration) {
        if (tool.isEmpty() || tool.indexOf('.') <= 0 || tool.length() > 200) {
            throw GatewayException.invalidArgument("tool", "tool must be a qualified tool name, integration.tool");
        }
        if (title.length() > MAX_TITLE_CHARS) {
            throw GatewayException.invalidArgument("title", "title must be at most " + MAX_TITLE_CHARS + " chars");
        }
        if (!icon.isEmpty() && !ICON.matcher(icon).matches()) {
            throw GatewayException.invalidArgument("icon", "icon must be 1-64 chars of a-z, 0-9 and -");
        }
        try {
            Narration.of(narration);
            Narration.of(title.replace("{", "(").replace("}", ")")); // one line, no invisible characters
        } catch (IllegalArgumentException e) {
            throw GatewayException.invalidArgument("narration", e.getMessage());
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM tool_cards WHERE tenant_id = ? AND tool_name = ?")) {
                ps.setString(1, tenantId);
                ps.setString(2, tool);
                ps.executeUpdate();
            }
            if (!title.isEmpty() || !icon.isEmpty() || !narration.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO tool_cards (tenant_id, tool_name, title,"
                        + " icon, narration, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, tenantId);
                    ps.setString(2, tool);
                    ps.setString(3, title);
                    ps.setString(4, icon);
                    ps.setString(5, narration);
                    ps.setTimestamp(6, Timestamp.from(clock.instant()));
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw storage(e);
        }
        cache.invalidate(tenantId + "\n" + tool);
    }

    /**
     * Makes {@code summary} (an OpenAPI operation's) the imported card title of {@code tool}, shown
     * while the tool's own card (set with {@link #put}) has no title; an empty summary removes the
     * title imported before. The summary is made one line of at most 200 chars.
     */
    public void importTitle(String tenantId, String tool, String summary) {
        importTitles(tenantId, Map.of(tool, summary));
    }

    /**
     * {@link #importTitle} for many tools at once (an import's): one transaction with batched
     * statements, so a thousand tools cost a few round trips and one commit, not two thousand.
     *
     * @param summaries summary by qualified tool name
     */
    public void importTitles(String tenantId, Map<String, String> summaries) {
        if (summaries.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM tool_card_titles WHERE tenant_id = ? AND tool_name = ?");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO tool_card_titles (tenant_id,"
                            + " tool_name, title, updated_at) VALUES (?, ?, ?, ?)")) {
                boolean inserts = false;
                for (Map.Entry<String, String> e : summaries.entrySet()) {
                    delete.setString(1, tenantId);
                    delete.setString(2, e.getKey());
                    delete.addBatch();
                    String title = oneLineTitle(e.getValue());
                    if (!title.isEmpty()) {
                        insert.setString(1, tenantId);
                        insert.setString(2, e.getKey());
                        insert.setString(3, title);
                        insert.setTimestamp(4, now);
                        insert.addBatch();
                        inserts = true;
                    }
                }
                delete.executeBatch();
                if (inserts) {
                    insert.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback(); // before autocommit is restored, which would commit what was done
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw storage(e);
        }
        summaries.keySet().forEach(tool -> cache.invalidate(tenantId + "\n" + tool));
    }

    private static String oneLineTitle(String summary) {
        String title = INVISIBLE.matcher(summary).replaceAll(" ").replaceAll("\\s+", " ").strip();
        return title.length() > MAX_TITLE_CHARS ? title.substring(0, MAX_TITLE_CHARS - 1) + "…" : title;
    }

    /** The declared card of {@code tool}, if any. */
    public Optional<Declared> find(String tenantId, String tool) {
        return cache.get(tenantId + "\n" + tool, k -> load(tenantId, tool));
    }

    /**
     * The card of one call: the declared title and icon, the narration rendered from the call's
     * (redacted) arguments, and a one-line summary of its outcome (redacted, escaped).
     */
    public Card card(String tenantId, String tool, String argumentsJson, CallStatus status, String resultJson) {
        return card(tenantId, tool, argumentsJson, status, resultJson, "");
    }

    /**
     * The card of a stored call: as {@link #card(String, String, String, CallStatus, String)}, with the
     * gateway's message ({@code error}) as the summary when the call has no result (a refusal, a fault).
     */
    public Card card(String tenantId, String tool, String argumentsJson, CallStatus status, String resultJson,
            String error) {
        Optional<Declared> d;
        try {
            d = find(tenantId, tool);
        } catch (GatewayException e) { // a card is never worth failing a call over
            d = Optional.empty();
        }
        String title = Narration.escape(d.map(Declared::title).filter(t -> !t.isEmpty()).orElse(tool));
        String narration = d.map(Declared::narration).filter(n -> !n.template().isEmpty())
                .map(n -> n.render(tool, argumentsJson, redactor)).orElse(title);
        return new Card(title, d.map(Declared::icon).orElse(""), narration, status, resultSummary(tool, status,
                resultJson, error));
    }

    /** Runs of control, format and space characters, each shown as one space (compiled once, not per call). */
    private static final Pattern BLANKS = Pattern.compile("[\\p{Cc}\\p{Cf}\\s]+");

    private String resultSummary(String tool, CallStatus status, String resultJson, String error) {
        if (status == CallStatus.PENDING_CONFIRMATION) {
            return Narration.escape("held for a human's approval; it has not run");
        }
        if (status == CallStatus.RUNNING && resultJson.isEmpty()) {
            return "running";
        }
        String text = resultJson.isEmpty() ? error : redactor.redactHead(tool, resultJson, SUMMARY_SOURCE_CHARS + 1);
        boolean cut = text.length() > SUMMARY_SOURCE_CHARS; // one char more asked for: there is more than the head
        String line = BLANKS.matcher(cut ? text.substring(0, SUMMARY_SOURCE_CHARS) : text).replaceAll(" ").strip();
        if (line.length() > MAX_RESULT_CHARS || (cut && !line.isEmpty())) {
            int end = Math.min(line.length(), MAX_RESULT_CHARS - 1);
            if (Character.isHighSurrogate(line.charAt(end - 1))) {
                end--; // not half a character before the ellipsis
            }
            line = line.substring(0, end) + "…";
        }
        return Narration.escape(line);
    }

    /** The tool's own card, its title taken from the import when it has none of its own. */
    private Optional<Declared> load(String tenantId, String tool) {
        try (Connection c = dataSource.getConnection()) {
            Optional<Declared> own;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT title, icon, narration FROM tool_cards WHERE tenant_id = ? AND tool_name = ?")) {
                ps.setString(1, tenantId);
                ps.setString(2, tool);
                try (ResultSet rs = ps.executeQuery()) {
                    own = rs.next() ? Optional.of(new Declared(rs.getString(1), rs.getString(2),
                            Narration.of(rs.getString(3)))) : Optional.empty();
                }
            }
            if (own.isPresent() && !own.get().title().isEmpty()) {
                return own;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT title FROM tool_card_titles WHERE tenant_id = ? AND tool_name = ?")) {
                ps.setString(1, tenantId);
                ps.setString(2, tool);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return own;
                    }
                    String imported = rs.getString(1);
                    return Optional.of(own.map(d -> new Declared(imported, d.icon(), d.narration()))
                            .orElseGet(() -> new Declared(imported, "", Narration.of(""))));
                }
            }
        } catch (SQLException e) {
            throw storage(e);
        }
    }

    private static GatewayException storage(SQLException e) {
        LOG.error("tool card query failed", e);
        return GatewayException.unavailable("STORAGE_UNAVAILABLE", "the gateway's storage is unavailable; retry later",
                Map.of());
    }
}
