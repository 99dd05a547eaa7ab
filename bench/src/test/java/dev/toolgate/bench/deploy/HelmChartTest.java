package dev.toolgate.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart in {@code deploy/helm/toolgate}: {@code helm lint --strict} passes, and {@code helm
 * template} renders, for the default values and for the optional parts switched on, manifests that
 * deserialize into the Kubernetes object models (fabric8, with every field known: a misspelt or misplaced
 * key fails, as kubeconform's strict mode would) and that fit together (selectors, ports, probes, secrets).
 * Helm is the real one, compiled into a native library (helm-java), so no {@code helm} binary is needed.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("..", "deploy", "helm", "toolgate").toAbsolutePath().normalize();
    /** The Kubernetes version the chart is rendered for (Helm's own default, 1.20, is below the chart's floor). */
    private static final String KUBERNETES = "1.31.0";
    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "v1/ConfigMap", ConfigMap.class, "v1/Secret", Secret.class, "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class, "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class);

    @Test
    void lint_strict_reportsNoProblem() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @Test
    void defaults_renderValidManifests_thatFitTogether() {
        List<HasMetadata> objects = render(t -> t);
        assertThat(kinds(objects)).containsExactlyInAnyOrder("ConfigMap", "Service", "Service", "Deployment",
                "PodDisruptionBudget");

        Deployment deployment = one(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(one(objects, PodDisruptionBudget.class).getSpec().getSelector()
                .getMatchLabels());
        objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .forEach(s -> assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector()));

        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        Container gateway = pod.getContainers().get(0);
        assertThat(gateway.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(gateway.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(gateway.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/live");
        assertThat(gateway.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(gateway.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
        // the keys come from Secrets, never from plain values
        assertThat(gateway.getEnv()).filteredOn(e -> List.of("TOOLGATE_DB_PASSWORD", "TOOLGATE_SECRETS_MASTER_KEY",
                "TOOLGATE_ADMIN_KEY").contains(e.getName())).hasSize(3)
                .allMatch(e -> e.getValue() == null && e.getValueFrom().getSecretKeyRef() != null);
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(25L); // drain 5 s + grace 20 s
        assertThat(env(gateway, "TOOLGATE_SHUTDOWN_DRAIN_DELAY")).isEqualTo("5s");
    }

    @Test
    void gitSyncAutoscalingMonitoringAndOtlp_renderValidManifests() {
        List<HasMetadata> objects = render(t -> t.set("policies.source", "gitSync")
                .set("policies.gitSync.repo", "https://git.example.com/platform/policies.git")
                .set("policies.gitSync.image", "mirror.example.com/git-sync/git-sync:v4.4.2")
                .set("policies.gitSync.subPath", "tenants")
                .set("autoscaling.enabled", "true").set("serviceMonitor.enabled", "true")
                .set("otlp.endpoint", "http://collector:4318")
                .set("database.password", "pw").set("secrets.masterKey", "bWFzdGVy").set("secrets.adminKey", "tg_x"));
        assertThat(kinds(objects)).containsExactlyInAnyOrder("Secret", "Secret", "Service", "Service", "Deployment",
                "PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor");

        Deployment deployment = one(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isNull(); // the autoscaler owns the count
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).extracting(Container::getName).containsExactly("toolgate", "git-sync");
        assertThat(env(containers.get(0), "TOOLGATE_POLICY_DIR")).isEqualTo("/srv/policies/current/tenants");
        assertThat(env(containers.get(0), "OTEL_EXPORTER_OTLP_ENDPOINT")).isEqualTo("http://collector:4318");
        ServiceMonitor monitor = one(objects, ServiceMonitor.class);
        Service management = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().endsWith("-management")).findFirst().orElseThrow();
        assertThat(management.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector()
                .getMatchLabels());
        assertThat(monitor.getSpec().getEndpoints().get(0).getPort()).isEqualTo("management");
        assertThat(one(objects, HorizontalPodAutoscaler.class).getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
    }

    @Test
    void badValues_failTheRender_namingTheValue() {
        assertThatThrownBy(() -> render(t -> t.set("policies.source", "s3"))).hasMessageContaining("policies.source");
        assertThatThrownBy(() -> render(t -> t.set("policies.source", "gitSync")))
                .hasMessageContaining("policies.gitSync.repo");
        assertThatThrownBy(() -> render(t -> t.set("policies.source", "gitSync")
                .set("policies.gitSync.repo", "https://git.example.com/platform/policies.git")))
                .hasMessageContaining("policies.gitSync.image");
        assertThatThrownBy(() -> render(t -> t.set("secrets.masterKey", "bWFzdGVy")))
                .hasMessageContaining("secrets.adminKey");
    }

    @Test
    void anUnknownField_isRefusedByTheValidation() {
        Deployment d = validate("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: x
                          image: x
                """, Deployment.class);
        assertThat(d.getMetadata().getName()).isEqualTo("x");
        assertThatThrownBy(() -> validate("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: x
                          imagePullPolice: Always
                """, Deployment.class)).hasMessageContaining("imagePullPolice");
    }

    private static List<HasMetadata> render(UnaryOperator<TemplateCommand> values) {
        String manifests = values.apply(new Helm(CHART).template().withName("tg").withNamespace("tools")
                .withKubeVersion(KUBERNETES)).call();
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : manifests.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            JsonNode node = read(doc);
            String type = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
            Class<? extends HasMetadata> model = MODELS.get(type);
            assertThat(model).as("a model for %s", type).isNotNull();
            objects.add(validate(doc, model));
        }
        return objects;
    }

    /** Deserializes strictly: an unknown field anywhere (kept by the models as "additional properties") fails. */
    static <T> T validate(String yaml, Class<T> model) {
        T object;
        try {
            object = YAML.readValue(yaml, model);
        } catch (Exception e) {
            throw new AssertionError("not a valid " + model.getSimpleName() + ": " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(object, model.getSimpleName(), unknown);
        if (!unknown.isEmpty()) {
            throw new AssertionError(model.getSimpleName() + " has fields its schema does not know: " + unknown);
        }
        return object;
    }

    private static void unknownFields(Object value, String path, List<String> unknown) {
        if (value instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                unknownFields(o, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, unknown));
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    private static JsonNode read(String doc) {
        try {
            return YAML.readTree(doc);
        } catch (Exception e) {
            throw new AssertionError("rendered YAML does not parse: " + e.getMessage() + "\n" + doc, e);
        }
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
    }
}
