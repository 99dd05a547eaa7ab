package dev.toolgate.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class WireLogFilterTest {

    @Test
    void productionLogbackXml_atTrace_dropsFrameLoggersBelowInfo_andKeepsTheRest() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getClassLoader().getResource("logback.xml"));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.TRACE);
        root.detachAndStopAllAppenders();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.setContext(context);
        logs.start();
        root.addAppender(logs);

        context.getLogger("io.grpc.netty.NettyServerHandler").debug("INBOUND HEADERS: authorization: Bearer tg_x");
        context.getLogger("io.netty.handler.codec.http2.Http2FrameLogger").trace("DATA frame");
        context.getLogger("jdk.httpclient.HttpClient").debug("Authorization: Basic eDp5");
        context.getLogger("io.modelcontextprotocol.spec.McpClientSession").debug("tools/call result");
        context.getLogger("io.grpc.netty.NettyServerHandler").warn("connection reset");
        context.getLogger("io.grpc.nettyx.Other").debug("not a pinned logger");
        context.getLogger("dev.toolgate.gateway.Any").debug("our own debug line");
        assertThat(context.getTurboFilterList()).hasAtLeastOneElementOfType(WireLogFilter.class);
        context.stop();

        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("connection reset", "not a pinned logger", "our own debug line");
    }

    @Test
    void isPinned_answersAlikeWhenAskedAgain_andPastItsMemoryOfAnswers() {
        // more names than the answers kept: every name is answered by its prefix, the first time and the next
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5_000; i++) {
                assertThat(WireLogFilter.isPinned("io.grpc.netty.Handler" + i)).isTrue();
                assertThat(WireLogFilter.isPinned("io.grpc.nettyx.Handler" + i)).isFalse();
                assertThat(WireLogFilter.isPinned("dev.toolgate.X" + i)).isFalse();
            }
        }
        assertThat(WireLogFilter.isPinned("io.modelcontextprotocol")).isTrue();
        assertThat(WireLogFilter.isPinned("io.modelcontextprotocolx")).isFalse();
        assertThat(WireLogFilter.isPinned("jdk")).isFalse();
    }

    @Test
    void aPinnedLoggerAtInfo_staysDenied_whenALaterTurboFilterAcceptsTheEvent() {
        // logback's per-user debugging: an MDC filter that accepts. The first non-neutral reply wins,
        // and an accepted event is appended without a level check
        LoggerContext context = new LoggerContext();
        WireLogFilter.installIn(context);
        ch.qos.logback.classic.turbo.MDCFilter perUser = new ch.qos.logback.classic.turbo.MDCFilter();
        perUser.setMDCKey("user");
        perUser.setValue("ada");
        perUser.setOnMatch("ACCEPT");
        perUser.setContext(context);
        perUser.start();
        context.addTurboFilter(perUser);
        ListAppender<ILoggingEvent> logs = attach(context);
        ch.qos.logback.classic.Logger frames = context.getLogger("io.grpc.netty.NettyServerHandler");
        frames.setLevel(Level.INFO);

        org.slf4j.MDC.put("user", "ada");
        try {
            frames.debug("INBOUND HEADERS: authorization: Bearer tg_x");
            context.getLogger("dev.toolgate.gateway.Any").debug("our own line, accepted for ada");
        } finally {
            org.slf4j.MDC.remove("user");
        }

        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("our own line, accepted for ada");
    }

    @Test
    void aPinnedLoggerAtInfo_staysDenied_throughTheEventApi() {
        // logback's log(LoggingEvent) appends whatever the turbo filters do not deny, without a level check
        LoggerContext context = new LoggerContext();
        WireLogFilter.installIn(context);
        ListAppender<ILoggingEvent> logs = attach(context);
        ch.qos.logback.classic.Logger frames = context.getLogger("io.netty.handler.codec.http2.Http2FrameLogger");
        frames.setLevel(Level.INFO);

        frames.makeLoggingEventBuilder(org.slf4j.event.Level.DEBUG).log("DATA frame: PutSecret value");
        frames.makeLoggingEventBuilder(org.slf4j.event.Level.WARN).log("stream reset");

        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("stream reset");
    }

    private static ListAppender<ILoggingEvent> attach(LoggerContext context) {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.setContext(context);
        logs.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
        return logs;
    }

    @Test
    void installIn_addsTheFilterOnce() {
        LoggerContext context = new LoggerContext();
        assertThat(WireLogFilter.installIn(context)).isTrue();
        assertThat(WireLogFilter.installIn(context)).isFalse();
        assertThat(context.getTurboFilterList()).hasSize(1);
    }

    @Test
    void jdkHttpClientLogSwitches_areRemovedBeforeAClientIsBuilt() {
        System.setProperty("jdk.httpclient.HttpClient.log", "headers,requests");
        System.setProperty("jdk.internal.httpclient.debug", "true");
        try {
            assertThat(WireLogPinning.clearJdkHttpClientSwitches())
                    .containsExactly("jdk.httpclient.HttpClient.log", "jdk.internal.httpclient.debug");
            assertThat(System.getProperty("jdk.httpclient.HttpClient.log")).isNull();
            assertThat(System.getProperty("jdk.internal.httpclient.debug")).isNull();
        } finally {
            System.clearProperty("jdk.httpclient.HttpClient.log");
            System.clearProperty("jdk.internal.httpclient.debug");
        }
    }
}
