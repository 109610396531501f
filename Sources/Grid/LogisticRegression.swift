#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ridge-regularised logistic regression fitted by Newton's method (IRLS). The feature count is small
/// (about a dozen), so each step is one d×d solve; rows are read from a flat row-major table.
struct LogisticRegression: Sendable {
    private(set) var weights: [Double]

    init(weights: [Double]) {
        self.weights = weights
    }

    /// Fits on `rows` of `table` (`width` values each, the bias included by the caller) against 0/1 labels.
    /// Stops when no weight moves by more than `tolerance`, or after `maxSteps`.
    static func fit(
        table: [Double], width: Int, rows: [Int], labels: [Double], ridge: Double = 0.1,
        maxSteps: Int = 25, tolerance: Double = 1e-6
    ) -> LogisticRegression {
        var weights = [Double](repeating: 0, count: width)
        var hessian = [Double](repeating: 0, count: width * width)
        var gradient = [Double](repeating: 0, count: width)
        for _ in 0..<maxSteps {
            for index in hessian.indices { hessian[index] = 0 }
            for index in gradient.indices { gradient[index] = -ridge * weights[index] }
            for (position, row) in rows.enumerated() {
                let base = row * width
                var z = 0.0
                for k in 0..<width { z += weights[k] * table[base + k] }
                let p = 1 / (1 + exp(-z))
                let residual = labels[position] - p
                let curvature = p * (1 - p)
                for a in 0..<width {
                    let xa = table[base + a]
                    gradient[a] += residual * xa
                    let scaled = curvature * xa
                    for b in 0...a { hessian[a * width + b] += scaled * table[base + b] }
                }
            }
            for a in 0..<width {
                hessian[a * width + a] += ridge
                for b in 0..<a { hessian[b * width + a] = hessian[a * width + b] }
            }
            guard let step = choleskySolve(hessian, gradient, size: width) else { break }
            var largest = 0.0
            for k in 0..<width {
                weights[k] += step[k]
                largest = max(largest, abs(step[k]))
            }
            if largest < tolerance { break }
        }
        return LogisticRegression(weights: weights)
    }

    func probability(_ features: UnsafeBufferPointer<Double>) -> Double {
        var z = 0.0
        for k in 0..<weights.count { z += weights[k] * features[k] }
        return 1 / (1 + exp(-z))
    }

    /// Solves A x = b for symmetric positive-definite A; nil if A is not (a degenerate fit keeps its weights).
    private static func choleskySolve(_ matrix: [Double], _ vector: [Double], size: Int) -> [Double]? {
        var lower = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in 0...i {
                var sum = matrix[i * size + j]
                for k in 0..<j { sum -= lower[i * size + k] * lower[j * size + k] }
                if i == j {
                    guard sum > 1e-12 else { return nil }
                    lower[i * size + i] = sum.squareRoot()
                } else {
                    lower[i * size + j] = sum / lower[j * size + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: size)
        for i in 0..<size {
            var sum = vector[i]
            for k in 0..<i { sum -= lower[i * size + k] * y[k] }
            y[i] = sum / lower[i * size + i]
        }
        var x = [Double](repeating: 0, count: size)
        for i in stride(from: size - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<size { sum -= lower[k * size + i] * x[k] }
            x[i] = sum / lower[i * size + i]
        }
        return x
    }
}
