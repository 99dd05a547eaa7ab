package dev.toolgate.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.SessionEvent;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.WatchSessionRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OneThreadPerCall} on a real Netty gRPC server (direct executor, as the gateway runs it) and
 * a real channel: where each step of a call runs, in what order, and what a cancelled or failing
 * call leaves behind.
 */
class OneThreadPerCallTest {
    private static final Metadata.Key<String> FAIL = Metadata.Key.of("x-fail-start", Metadata.ASCII_STRING_MARSHALLER);
    /** A caller whose credentials the server does not know yet: its request is read only after the interceptors. */
    private static final Metadata.Key<String> STRANGER = Metadata.Key.of("x-stranger", Metadata.ASCII_STRING_MARSHALLER);
    /** The interceptor refuses the call, as authentication does a bad key. */
    private static final Metadata.Key<String> REFUSE = Metadata.Key.of("x-refuse", Metadata.ASCII_STRING_MARSHALLER);
    /** What happened, in order, to the test.Small calls: "start" (interceptor), "parsed" (marshaller). */
    private static final List<String> SMALL = new CopyOnWriteArrayList<>();
    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("test.Echo/Chat")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    /** test.Big/Put: kept off the loop; the parsed request tells which thread parsed it. */
    private static final MethodDescriptor<String, String> PUT = unaryText("test.Big/Put", r -> r + " parsed@" + step());
    /** test.Small/Put: on the loop; records when it was parsed. */
    private static final MethodDescriptor<String, String> SMALL_PUT = unaryText("test.Small/Put", r -> {
        SMALL.add("parsed");
        return r;
    });

    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("call-", 0).factory());
    /** Per call (by its "tool" or watched session): the threads its steps ran on, by step. */
    private final Map<String, List<String>> steps = new ConcurrentHashMap<>();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blockedInHandler = new CountDownLatch(1);
    private final CountDownLatch inboundMessages = new CountDownLatch(2);
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        ServerInterceptor recording = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                if (headers.containsKey(FAIL)) {
                    throw new IllegalStateException("an interceptor failed");
                }
                if (call.getMethodDescriptor().getServiceName().equals("test.Small")) {
                    SMALL.add("start");
                }
                if (headers.containsKey(REFUSE)) {
                    call.close(Status.UNAUTHENTICATED.withDescription("refused"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                started.add(call.getMethodDescriptor().getFullMethodName());
                String startThread = step();
                return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                    @Override
                    public void onMessage(Q message) {
                        String key = message instanceof ExecuteToolRequest r ? r.getTool()
                                : message instanceof WatchSessionRequest w ? w.getSessionId() : String.valueOf(message);
                        steps.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                                .addAll(List.of("start@" + startThread, "message@" + step()));
                        lastKey.set(key);
                        super.onMessage(message);
                    }

                    private final java.util.concurrent.atomic.AtomicReference<String> lastKey =
                            new java.util.concurrent.atomic.AtomicReference<>("");

                    @Override
                    public void onHalfClose() {
                        steps.computeIfAbsent(lastKey.get(), k -> Collections.synchronizedList(new ArrayList<>()))
                                .add("halfClose@" + step());
                        super.onHalfClose();
                    }
                };
            }
        };
        ToolServiceGrpc.ToolServiceImplBase tools = new ToolServiceGrpc.ToolServiceImplBase() {
            @Override
            public void executeTool(ExecuteToolRequest request, StreamObserver<ExecuteToolResponse> response) {
                steps.get(request.getTool()).add("handler@" + step());
                if (request.getTool().equals("blocks")) {
                    blockedInHandler.countDown();
                    await(release);
                }
                if (request.getTool().equals("throws")) {
                    throw new IllegalStateException("the handler failed");
                }
                if (request.getTool().equals("not-found")) {
                    throw Status.NOT_FOUND.withDescription("no such thing").asRuntimeException();
                }
                response.onNext(ExecuteToolResponse.newBuilder().setResultJson("\"" + request.getTool() + "\"").build());
                response.onCompleted();
            }

            @Override
            public void watchSession(WatchSessionRequest request, StreamObserver<SessionEvent> events) {
                for (int i = 0; i < 3; i++) {
                    events.onNext(SessionEvent.newBuilder().setCaughtUp(i == 2).build());
                }
                events.onCompleted();
            }
        };
        ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
                .addMethod(ECHO, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        out.onNext(value + "@" + (Thread.currentThread().isVirtual() ? "virtual" : "platform"));
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                })).build();
        ServerServiceDefinition big = ServerServiceDefinition.builder("test.Big")
                .addMethod(PUT, ServerCalls.asyncUnaryCall((String request, StreamObserver<String> out) -> {
                    out.onNext(request + " handled@" + step());
                    out.onCompleted();
                })).build();
        ServerServiceDefinition small = ServerServiceDefinition.builder("test.Small")
                .addMethod(SMALL_PUT, ServerCalls.asyncUnaryCall((String request, StreamObserver<String> out) -> {
                    out.onNext(request);
                    out.onCompleted();
                })).build();
        OneThreadPerCall oneThread = new OneThreadPerCall(threads, java.util.Set.of("test.Big"), h -> !h.containsKey(STRANGER));
        SMALL.clear();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addStreamTracerFactory(new io.grpc.ServerStreamTracer.Factory() {
                    @Override
                    public io.grpc.ServerStreamTracer newServerStreamTracer(String method, Metadata headers) {
                        return new io.grpc.ServerStreamTracer() {
                            @Override
                            public void inboundMessage(int seqNo) {
                                inboundMessages.countDown();
                            }
                        };
                    }
                })
                .addService(ServerInterceptors.intercept(tools, recording))
                .addService(ServerInterceptors.intercept(echo, recording))
                .addService(ServerInterceptors.intercept(small, recording))
                .addService(big)
                .callExecutor(oneThread).intercept(oneThread).build().start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        threads.shutdownNow();
    }

    @Test
    void unaryCall_runsTheInterceptorsMessageAndHandlerOnOneVirtualThread() {
        ExecuteToolResponse r = ToolServiceGrpc.newBlockingStub(channel)
                .executeTool(ExecuteToolRequest.newBuilder().setTool("plain").build());

        assertThat(r.getResultJson()).isEqualTo("\"plain\"");
        List<String> plain = steps.get("plain");
        assertThat(plain).hasSize(4);
        String thread = plain.get(0).substring("start@".length());
        assertThat(thread).startsWith("virtual:call-");
        assertThat(plain).containsExactly("start@" + thread, "message@" + thread, "halfClose@" + thread, "handler@" + thread);
    }

    @Test
    void blockedHandler_leavesTheEventLoopFreeForTheNextCallOnTheSameConnection() throws Exception {
        ToolServiceGrpc.ToolServiceFutureStub stub = ToolServiceGrpc.newFutureStub(channel);
        var blocked = stub.executeTool(ExecuteToolRequest.newBuilder().setTool("blocks").build());
        assertThat(blockedInHandler.await(10, TimeUnit.SECONDS)).isTrue();

        ExecuteToolResponse other = ToolServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .executeTool(ExecuteToolRequest.newBuilder().setTool("other").build());

        assertThat(other.getResultJson()).isEqualTo("\"other\"");
        assertThat(blocked.isDone()).as("the first call still waits in its handler").isFalse();
        release.countDown();
        assertThat(blocked.get(10, TimeUnit.SECONDS).getResultJson()).isEqualTo("\"blocks\"");
        assertThat(steps.get("blocks").get(0)).isNotEqualTo(steps.get("other").get(0));
    }

    @Test
    void serverStreamingCall_deliversEveryEventInOrder() {
        Iterator<SessionEvent> events = ToolServiceGrpc.newBlockingStub(channel)
                .watchSession(WatchSessionRequest.newBuilder().setSessionId("s1").build());

        List<Boolean> caughtUp = new ArrayList<>();
        events.forEachRemaining(e -> caughtUp.add(e.getCaughtUp()));
        assertThat(caughtUp).containsExactly(false, false, true);
        assertThat(steps.get("s1").get(0)).startsWith("start@virtual:call-");
    }

    @Test
    void streamingClient_getsItsEventsInOrderOnVirtualThreads() throws Exception {
        LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(ECHO, CallOptions.DEFAULT),
                new StreamObserver<>() {
                    @Override
                    public void onNext(String value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answers.add("error " + t);
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        for (String m : List.of("a", "b", "c")) {
            requests.onNext(m);
        }
        requests.onCompleted();

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(List.copyOf(answers)).containsExactly("a@virtual", "b@virtual", "c@virtual");
    }

    @Test
    void serviceKeptOffTheLoop_hasItsRequestParsedAndHandledOnACallThread() {
        String answer = ClientCalls.blockingUnaryCall(channel, PUT, CallOptions.DEFAULT, "a large document");

        assertThat(answer).matches("a large document parsed@virtual:call-\\d+ handled@virtual:call-\\d+");
    }

    @Test
    void callCancelledBeforeItsRequestIsComplete_neverReachesTheInterceptors() throws Exception {
        ToolServiceGrpc.ToolServiceBlockingStub stub = ToolServiceGrpc.newBlockingStub(channel);
        stub.executeTool(ExecuteToolRequest.newBuilder().setTool("first").build()); // connected, one message in
        ClientCall<ExecuteToolRequest, ExecuteToolResponse> call =
                channel.newCall(ToolServiceGrpc.getExecuteToolMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
        }, new Metadata());
        call.request(1);
        call.sendMessage(ExecuteToolRequest.newBuilder().setTool("abandoned").build()); // no half-close

        assertThat(inboundMessages.await(10, TimeUnit.SECONDS)).as("the server read the abandoned call's request").isTrue();
        call.cancel("the agent gave up", null);
        // the same connection, after the cancel: the server has handled it once this call is answered
        stub.executeTool(ExecuteToolRequest.newBuilder().setTool("after").build());

        assertThat(started).hasSize(2);
        assertThat(steps).containsOnlyKeys("first", "after");
    }

    @Test
    void knownCallersRequest_isReadBeforeTheInterceptors_aStrangersOnlyAfter() {
        assertThat(ClientCalls.blockingUnaryCall(channel, SMALL_PUT, CallOptions.DEFAULT, "known")).isEqualTo("known");
        assertThat(SMALL).containsExactly("parsed", "start");
        SMALL.clear();

        Metadata stranger = new Metadata();
        stranger.put(STRANGER, "yes");
        io.grpc.Channel asStranger = io.grpc.ClientInterceptors.intercept(channel,
                io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(stranger));
        assertThat(ClientCalls.blockingUnaryCall(asStranger, SMALL_PUT, CallOptions.DEFAULT, "new")).isEqualTo("new");
        assertThat(SMALL).containsExactly("start", "parsed");
    }

    @Test
    void strangerRefusedByAnInterceptor_neverHasItsRequestRead() {
        Metadata refused = new Metadata();
        refused.put(STRANGER, "yes");
        refused.put(REFUSE, "yes");
        io.grpc.Channel asRefused = io.grpc.ClientInterceptors.intercept(channel,
                io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(refused));

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(asRefused, SMALL_PUT, CallOptions.DEFAULT, "x".repeat(100_000)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(SMALL).containsExactly("start");
    }

    @Test
    void handlerThrowing_endsTheCallWithUnknown_orTheStatusItThrew_andTheServerServesOn() {
        ToolServiceGrpc.ToolServiceBlockingStub stub = ToolServiceGrpc.newBlockingStub(channel);

        assertThatThrownBy(() -> stub.executeTool(ExecuteToolRequest.newBuilder().setTool("throws").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
        assertThatThrownBy(() -> stub.executeTool(ExecuteToolRequest.newBuilder().setTool("not-found").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(stub.executeTool(ExecuteToolRequest.newBuilder().setTool("fine").build()).getResultJson())
                .isEqualTo("\"fine\"");
    }

    @Test
    void interceptorFailingAtTheStart_endsTheCallWithUnknown_andTheServerServesOn() {
        Metadata fail = new Metadata();
        fail.put(FAIL, "yes");
        ToolServiceGrpc.ToolServiceBlockingStub failing = ToolServiceGrpc.newBlockingStub(channel)
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(fail));

        assertThatThrownBy(() -> failing.executeTool(ExecuteToolRequest.newBuilder().setTool("x").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
        assertThat(ToolServiceGrpc.newBlockingStub(channel)
                .executeTool(ExecuteToolRequest.newBuilder().setTool("next").build()).getResultJson()).isEqualTo("\"next\"");
        assertThat(steps).containsOnlyKeys("next");
    }

    private static MethodDescriptor<String, String> unaryText(String name, java.util.function.UnaryOperator<String> parsed) {
        return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(name).setResponseMarshaller(TEXT).setRequestMarshaller(new MethodDescriptor.Marshaller<>() {
                    @Override
                    public InputStream stream(String value) {
                        return TEXT.stream(value);
                    }

                    @Override
                    public String parse(InputStream stream) {
                        return parsed.apply(TEXT.parse(stream));
                    }
                }).build();
    }

    private static String step() {
        Thread t = Thread.currentThread();
        return (t.isVirtual() ? "virtual:" : "platform:") + t.getName();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
