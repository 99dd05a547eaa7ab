package dev.toolgate.gateway.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * A full-text index of one tenant's tools at one catalog revision, in memory: BM25 (Lucene's
 * default similarity) over the tool's name (split into words), its description, its tags and its
 * parameters' names and descriptions, with English stemming. Immutable once built; searches are
 * thread-safe.
 */
public final class SearchIndex {
    static final String NAME = "name";
    static final String DESCRIPTION = "description";
    static final String PARAMS = "params";
    static final String TAGS = "tags";
    private static final String ORD = "ord";
    private static final float NAME_BOOST = 2.0f;
    private static final float DESCRIPTION_BOOST = 1.5f;
    private static final float PARAMS_BOOST = 0.5f;
    private static final float TAGS_BOOST = 1.0f;
    private static final int MAX_QUERY_TERMS = 64;
    private static final int MAX_PARAM_DEPTH = 3;

    private final List<ToolDefinition> tools;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final Analyzer analyzer;

    private SearchIndex(List<ToolDefinition> tools, DirectoryReader reader, Analyzer analyzer) {
        this.tools = tools;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.analyzer = analyzer;
    }

    /** One found tool and its BM25 score. */
    public record Hit(ToolDefinition tool, float score) {
    }

    public static SearchIndex build(List<ToolDefinition> tools) {
        Analyzer analyzer = new EnglishAnalyzer();
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(64))) {
            for (int i = 0; i < tools.size(); i++) {
                writer.addDocument(document(i, tools.get(i)));
            }
            writer.commit();
            return new SearchIndex(List.copyOf(tools), DirectoryReader.open(dir), analyzer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the search index in memory", e);
        }
    }

    public int size() {
        return tools.size();
    }

    /**
     * The best {@code limit} tools that {@code shown} keeps, best first. Hidden tools are skipped
     * before counting, so they neither appear nor take a place.
     */
    public List<Hit> search(String text, int limit, Predicate<ToolDefinition> shown) {
        Query query = query(text);
        if (query == null || tools.isEmpty()) {
            return List.of();
        }
        int wanted = Math.max(limit * 4, 32);
        try {
            while (true) {
                TopDocs top = searcher.search(query, wanted);
                List<Hit> hits = new ArrayList<>(limit);
                for (ScoreDoc d : top.scoreDocs) {
                    ToolDefinition t = tools.get(searcher.storedFields().document(d.doc).getField(ORD)
                            .numericValue().intValue());
                    if (shown.test(t)) {
                        hits.add(new Hit(t, d.score));
                        if (hits.size() == limit) {
                            return hits;
                        }
                    }
                }
                if (top.scoreDocs.length < wanted || wanted >= tools.size()) {
                    return hits; // every match was looked at
                }
                wanted = (int) Math.min((long) wanted * 4, tools.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the in-memory index", e);
        }
    }

    private Query query(String text) {
        Set<String> terms = terms(words(text));
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (String term : terms) {
            q.add(new BoostQuery(new TermQuery(new Term(NAME, term)), NAME_BOOST), BooleanClause.Occur.SHOULD);
            q.add(new BoostQuery(new TermQuery(new Term(DESCRIPTION, term)), DESCRIPTION_BOOST),
                    BooleanClause.Occur.SHOULD);
            q.add(new BoostQuery(new TermQuery(new Term(PARAMS, term)), PARAMS_BOOST), BooleanClause.Occur.SHOULD);
            q.add(new BoostQuery(new TermQuery(new Term(TAGS, term)), TAGS_BOOST), BooleanClause.Occur.SHOULD);
        }
        return q.build();
    }

    private Set<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream ts = analyzer.tokenStream(DESCRIPTION, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken() && terms.size() < MAX_QUERY_TERMS) {
                terms.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    private static Document document(int ord, ToolDefinition t) {
        Document doc = new Document();
        doc.add(new StoredField(ORD, ord));
        doc.add(new TextField(NAME, words(t.qualifiedName()), Field.Store.NO));
        doc.add(new TextField(DESCRIPTION, t.description(), Field.Store.NO));
        if (!t.tags().isEmpty()) {
            doc.add(new TextField(TAGS, words(String.join(" ", t.tags().values())), Field.Store.NO));
        }
        StringBuilder params = new StringBuilder();
        try {
            parameters(JsonSupport.mapper().readTree(t.inputSchemaJson()), params, 0);
        } catch (IOException | RuntimeException e) {
            // the catalog compiled this schema; an unreadable one only loses its parameter words
        }
        doc.add(new TextField(PARAMS, params.toString(), Field.Store.NO));
        return doc;
    }

    /** Property names (as words) and descriptions of an object schema, a few levels deep. */
    private static void parameters(JsonNode schema, StringBuilder out, int depth) {
        if (depth > MAX_PARAM_DEPTH || !schema.isObject()) {
            return;
        }
        schema.path("properties").fields().forEachRemaining(e -> {
            out.append(words(e.getKey())).append(' ');
            out.append(e.getValue().path("description").asText("")).append(' ');
            parameters(e.getValue(), out, depth + 1);
            parameters(e.getValue().path("items"), out, depth + 1);
        });
    }

    /** {@code desk.createSupportCase_v2} → {@code desk create Support Case v2}. */
    static String words(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("[^\\p{L}\\p{N}]+", " ");
    }
}
