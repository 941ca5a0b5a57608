import Testing
import LongtailCore

@Suite struct ColumnBlockTests {
    @Test func rowsLandInTheirColumns() {
        let block = ColumnBlock(names: ["a", "b"], capacity: 3)
        for r in 0..<3 {
            block.set(0, Double(r))
            block.set(1, Double(r) * 10)
            block.commitRow(timestamp: Int64(r) * 100)
        }
        #expect(block.isFull)
        #expect(Array(block.columnValues(0)) == [0, 1, 2])
        #expect(Array(block.columnValues(1)) == [0, 10, 20])
        #expect(block.timestamps[2] == 200)
        block.reset()
        #expect(block.count == 0 && block.columnValues(0).isEmpty)
    }

    @Test func raggedRowsKeepTheirBoundaries() {
        let r = RaggedColumns(names: ["x"])
        r.append(0, 1); r.append(0, 2); r.commitRow()
        r.commitRow()
        r.append(0, 3); r.commitRow()
        #expect(Array(r.row(0, column: 0)) == [1, 2])
        #expect(r.row(1, column: 0).isEmpty)
        #expect(Array(r.row(2, column: 0)) == [3])
    }

    /// Growth past the initial capacities keeps every row's values, across columns and resets.
    @Test func raggedColumnsGrowAndReset() {
        let r = RaggedColumns(names: ["a", "b"])
        for round in 0..<2 {
            var expected: [[Double]] = []
            for row in 0..<150 {
                let n = (row * 7 + round) % 13
                let values = (0..<n).map { Double(row * 100 + $0) }
                for v in values { r.append(0, v); r.append(1, -v) }
                r.commitRow()
                expected.append(values)
            }
            #expect(r.rows == 150)
            for (row, values) in expected.enumerated() {
                #expect(Array(r.row(row, column: 0)) == values && Array(r.row(row, column: 1)) == values.map { -$0 })
            }
            r.reset()
            #expect(r.rows == 0)
        }
    }
}
