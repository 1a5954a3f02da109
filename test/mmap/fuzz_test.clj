(ns mmap.fuzz-test
  "Random patterns from a grammar of java.util.regex constructs, on random texts: every
  result of ours equals (re-seq re text) over the text as slurp decodes it, with windows and
  chunks small enough that every construct meets a boundary."
  (:require [clojure.test :refer [deftest is]]
            [clojure.test.check :as tc]
            [clojure.test.check.generators :as gen]
            [clojure.test.check.properties :as prop]
            [mmap.core :as m]
            [mmap.regex-gen :as rg]
            [mmap.test-support :as ts])
  (:import (java.util.regex Pattern)))

(set! *warn-on-reflection* true)

(def ^:private reference-budget
  "How many chars java.util.regex may read for the reference before the case is skipped: a
  random pattern such as ((a*)*)*b backtracks exponentially, and would hang the run. Ours then
  runs the same backtracking under seven settings, with 16-byte windows that grow and retry: at
  20 million reads one such case (nested lazy and greedy loops) held a CI run for over seven
  minutes, so the budget is 2 million."
  2000000)

(defn- budgeted
  "`s` as a CharSequence that throws ::over-budget once more than `budget` chars were read."
  ^CharSequence [^String s ^long budget]
  (let [reads (long-array 1)]
    (reify CharSequence
      (length [_] (.length s))
      (charAt [_ i]
        (let [n (inc (aget reads 0))]
          (aset reads 0 n)
          (when (> n budget) (throw (ex-info "over budget" {::over-budget true})))
          (.charAt s i)))
      (subSequence [_ from to] (.subSequence s from to))
      (toString [_] s))))

(defn- reference
  "clojure.core/re-seq over the decoded text, or ::skip when java.util.regex itself overflows
  its stack on it or backtracks past the budget."
  [re ^bytes content encoding]
  (try (doall (re-seq re (budgeted (String. content (if (= encoding :latin-1) "ISO-8859-1" "UTF-8")) reference-budget)))
       (catch StackOverflowError _ ::skip)
       (catch clojure.lang.ExceptionInfo e
         (if (::over-budget (ex-data e)) ::skip (throw e)))))

(defn- shrunk
  "The smallest failing case, with its text's bytes readable."
  [r]
  (let [[src ^bytes content] (:smallest (:shrunk r))
        data (:result-data (:shrunk r))]
    (pr-str {:seed (:seed r) :pattern src :text (some-> content (String. "UTF-8")) :bytes (some-> content vec)
             :error (some-> (:result (:shrunk r)) (as-> e (when (instance? Throwable e) (Throwable->map e))))
             :data data})))

(defn- agrees? [src ^bytes content]
  (let [re (rg/compiles src)]
    (or (nil? re)
        (let [f (ts/temp-file content)]
          (try
            (every? (fn [opts]
                      (let [expected (reference re content (:encoding opts))]
                        (or (= ::skip expected)
                            (let [actual (try (doall (m/re-seq re f opts)) (catch StackOverflowError _ ::skip))]
                              (or (= ::skip actual)
                                  (= expected actual)
                                  (do (println "MISMATCH" (pr-str src) opts (pr-str (String. content "UTF-8"))
                                               "\n expected" (pr-str expected) "\n actual  " (pr-str actual))
                                      false))))))
                    [{:threads 1 :window 16} {:threads 1 :window 53} {:threads 1}
                     {:threads 2 :chunk-size 40 :window 16} {:threads 3 :chunk-size 97}
                     {:threads 1 :window 16 :encoding :latin-1} {:threads 2 :chunk-size 40 :encoding :latin-1}])
            (finally (.delete f)))))))

(deftest random-patterns-equal-re-seq-over-slurp
  (let [r (tc/quick-check 400 (prop/for-all [src rg/gen-pattern content rg/gen-text] (agrees? src content)))]
    (is (:pass? r) (shrunk r))))

(deftest counts-equal-too
  (let [r (tc/quick-check 150
                          (prop/for-all [src rg/gen-pattern content rg/gen-text]
                            (let [re (rg/compiles src)
                                  expected (when re (reference re content :utf-8))]
                              (or (nil? re) (= ::skip expected)
                                  (let [f (ts/temp-file content)]
                                    (try (= (count expected)
                                            (m/count-matches re f {:threads 1 :window 16})
                                            (m/count-matches re f {:threads 2 :chunk-size 40}))
                                         (finally (.delete f))))))))]
    (is (:pass? r) (shrunk r))))

(deftest the-reference-gives-up-on-exponential-backtracking
  (is (= ::skip (reference #"(?<n>a|aa)*\k<n>c" (.getBytes ^String (apply str (repeat 60 "a")) "UTF-8") :utf-8))
      "a back-reference turns off java.util.regex's loop memo: on 60 a's this would take years; the fuzz case is skipped instead")
  (is (= ["ab"] (reference #"ab" (.getBytes "xab" "UTF-8") :utf-8))))

(deftest line-automaton-verdicts-agree-with-find
  ;; Lines as grep reads them: text split at \n, each matched on its own. An automaton that
  ;; rules a line out, or says it matches, must agree with Matcher.find() on that line.
  (let [automaton (requiring-resolve 'mmap.analysers-test/line-automaton)
        verdict (requiring-resolve 'mmap.analysers-test/line-verdict)
        decided (atom 0)
        r (tc/quick-check
           300
           (prop/for-all [src rg/gen-pattern content rg/gen-text flags (gen/elements [Pattern/UNIX_LINES 0 (bit-or Pattern/UNIX_LINES Pattern/MULTILINE)])]
             (let [re (try (Pattern/compile src (int flags)) (catch java.util.regex.PatternSyntaxException _ nil))
                   a (when re (automaton re))]
               (or (nil? a)
                   (every? (fn [^String line]
                             (let [expected (try (.find (.matcher ^Pattern re (budgeted line reference-budget)))
                                                 (catch StackOverflowError _ ::skip)
                                                 (catch clojure.lang.ExceptionInfo _ ::skip))
                                   v (verdict a line)]
                               (when (not= :unknown v) (swap! decided inc))
                               (or (= ::skip expected) (= :unknown v) (= expected (= :yes v))
                                   (do (println "MISMATCH" (pr-str src) flags (pr-str line) v) false))))
                           (.split (String. ^bytes content "UTF-8") "\n" -1))))))]
    (is (:pass? r) (shrunk r))
    (is (< 100 @decided) "the automaton decided lines on its own, not just left them to the engine")))
