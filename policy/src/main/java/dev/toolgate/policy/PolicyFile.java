package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One parsed policy file: its rules and rate limits in file order. Immutable.
 *
 * @param path    relative to the policy directory, with '/' separators
 * @param content the file's bytes as read (for the content hash)
 */
public record PolicyFile(String path, String content, List<Rule> rules, List<RateLimit> rateLimits) {
    public PolicyFile {
        requireNonNull(path, "path");
        requireNonNull(content, "content");
        rules = List.copyOf(rules);
        rateLimits = List.copyOf(rateLimits);
    }
}
