package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the engine when the policy directory changes: file-system events wake it at once
 * (edits in the directory, and a symlink on the way to it pointed elsewhere, as git-sync does for
 * each commit), and a periodic check of the directory's fingerprint catches what events miss
 * (network file systems, a directory created later). A burst of changes (a Git
 * checkout) is settled for a short quiet period before one reload. One daemon thread.
 */
public final class PolicyWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);
    private static final Duration SETTLE = Duration.ofMillis(100);

    private final PolicyEngine engine;
    private final Path directory;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile WatchService watch;

    public PolicyWatcher(PolicyEngine engine, Path directory, Duration interval) {
        this.engine = requireNonNull(engine, "engine");
        this.directory = requireNonNull(directory, "directory");
        this.interval = requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.thread = Thread.ofPlatform().daemon().name("policy-watcher").unstarted(this::run);
    }

    public PolicyWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                // compared with what the engine last loaded, so no change is missed, even one made
                // before this thread started
                if (!PolicyDirectory.fingerprint(directory).equals(engine.loadedFingerprint())) {
                    Thread.sleep(SETTLE.toMillis());
                    engine.reload();
                }
                waitForChange();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("policy watcher: {}", e.toString());
            }
        }
    }

    private void waitForChange() throws InterruptedException {
        WatchService w = watch;
        if (w == null && Files.isDirectory(directory)) {
            if (register() != null) {
                return; // watched from now on: the caller checks once more for a change made while nothing watched
            }
        }
        if (w == null) {
            Thread.sleep(interval.toMillis());
            return;
        }
        try {
            var key = w.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
            if (key != null) {
                key.pollEvents();
                if (!key.reset()) {
                    closeWatch(); // the directory went away; fall back to polling until it is back
                }
                closeWatchIfNewDirectories();
            }
        } catch (ClosedWatchServiceException e) {
            watch = null;
        }
    }

    /** New subdirectories need registering; simplest is to start over on the next wait. */
    private void closeWatchIfNewDirectories() {
        closeWatch();
    }

    /**
     * Watches the directory tree where the policy directory leads now, and the directory holding each
     * symlink on the way to it: git-sync publishes a commit by renaming a new link over the old one, an
     * event only the link's own directory sees.
     */
    private WatchService register() {
        try {
            WatchService w = FileSystems.getDefault().newWatchService();
            Path target = PolicyDirectory.realPath(directory);
            try (Stream<Path> dirs = Files.walk(target, PolicyDirectory.MAX_DEPTH)) {
                for (Path d : dirs.filter(Files::isDirectory).filter(d -> !hidden(target.relativize(d))).toList()) {
                    listen(w, d);
                }
            }
            for (Path link : symlinksOnTheWay(directory)) {
                listen(w, link.getParent());
            }
            watch = w;
            return w;
        } catch (IOException | RuntimeException e) {
            LOG.debug("policy watcher: file events unavailable ({}), checking every {}", e.toString(), interval);
            return null;
        }
    }

    /** Whether a part of the relative path starts with a dot ({@code .git} and what is inside: never policy). */
    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static void listen(WatchService w, Path dir) throws IOException {
        dir.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    /** Each symlink met while following {@code path} from the file-system root (links to links included). */
    static java.util.List<Path> symlinksOnTheWay(Path path) {
        java.util.List<Path> links = new java.util.ArrayList<>();
        java.util.ArrayDeque<Path> todo = new java.util.ArrayDeque<>(java.util.List.of(path.toAbsolutePath().normalize()));
        while (!todo.isEmpty() && links.size() < 40) { // 40: the kernel's own limit on links in one lookup
            Path p = todo.pop();
            Path prefix = p.getRoot();
            for (Path part : p) {
                prefix = prefix.resolve(part);
                if (Files.isSymbolicLink(prefix)) {
                    links.add(prefix);
                    try {
                        Path rest = prefix.relativize(p);
                        Path target = prefix.getParent().resolve(Files.readSymbolicLink(prefix)).normalize();
                        todo.push(target.resolve(rest).normalize());
                    } catch (IOException | RuntimeException e) {
                        // a link that cannot be read: the periodic check still covers it
                    }
                    break;
                }
            }
        }
        return links;
    }

    private void closeWatch() {
        WatchService w = watch;
        watch = null;
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        closeWatch();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
